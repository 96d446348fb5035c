using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// A UI-like SynchronizationContext: one dedicated thread pumps a queue of callbacks, the way a
/// WinForms/WPF message loop does. An <c>await</c> started on that thread posts its continuation
/// back to the queue, so it resumes on the same thread, unless it used ConfigureAwait(false).
/// Console apps and ASP.NET Core have no such context; the task concepts install this one to
/// show what the article's advice is about.
/// </summary>
public sealed class SingleThreadSynchronizationContext : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Exception> _unhandled = new();

    public SingleThreadSynchronizationContext(string name = "single-thread-context")
    {
        _thread = new Thread(Pump) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The managed id of the one thread that runs every posted callback.</summary>
    public int ThreadId => _thread.ManagedThreadId;

    /// <summary>Exceptions thrown by posted callbacks, e.g. by an async void method that failed.</summary>
    public IReadOnlyCollection<Exception> UnhandledExceptions => _unhandled;

    public override void Post(SendOrPostCallback d, object? state)
    {
        try
        {
            _queue.Add((d, state));
        }
        catch (InvalidOperationException)
        {
            // Disposed: a late continuation still has to run somewhere, or its task never ends.
            ThreadPool.QueueUserWorkItem(s => d(s), state);
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Send would block the caller; post instead.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="work"/> on the context's thread; the task ends with its result.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(_ =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }, null);
        return done.Task;
    }

    /// <summary>Starts <paramref name="work"/> on the context's thread, so its awaits capture this context.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work) => Run(work).Unwrap();

    private void Pump()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            try
            {
                callback(state);
            }
#pragma warning disable CA1031 // A message loop must survive a failing callback; the error is kept, not lost.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // A real UI loop would raise Application.ThreadException or crash the app.
                _unhandled.Enqueue(ex);
            }
        }
    }

    /// <summary>Stops the pump after the callbacks already queued; waits for it at most a few seconds.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        if (Environment.CurrentManagedThreadId != ThreadId)
        {
            _thread.Join(Timeouts.Short);
        }
    }
}

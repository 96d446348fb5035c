using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.callbacks: react to each task's result or exception as soon as that task finishes.
/// Task.WhenEach (.NET 9+) yields tasks in completion order, which is what Pool's callback
/// and error_callback see; a faulted task carries its exception instead of throwing into a
/// callback thread. (ContinueWith is the literal callback, but it is easy to get wrong: it runs
/// on faulted tasks too and needs an explicit scheduler.) Task.WhenAll, by contrast, keeps
/// input order and, when awaited, rethrows only the first exception: the rest wait in its
/// AggregateException.
/// </summary>
[Concept("pool.callbacks")]
public static class Callbacks
{
    // <tasks>
    public static async Task<int> SucceedAsync(
        int name, TimeSpan delay, TextWriter log, CancellationToken cancellationToken)
    {
        // An async method runs on its caller's thread up to its first await, so tasks 0-2 all
        // start on the thread that started them (no worker picks them up, unlike Pool); after
        // the delay each resumes on whichever thread-pool thread completed its timer.
        log.WriteLine($"[task {name}] starts on thread {Environment.CurrentManagedThreadId}");
        await Task.Delay(delay, cancellationToken);
        log.WriteLine($"[task {name}] resumes on thread {Environment.CurrentManagedThreadId}");
        return name;
    }

    public static async Task<int> FailAsync(int name, TextWriter log)
    {
        await Task.Yield(); // finish asynchronously, like a task on another worker
        log.WriteLine($"[task {name}] runs on thread {Environment.CurrentManagedThreadId}");
        throw new InvalidOperationException($"task {name} failed");
    }
    // </tasks>

    // <callbacks>
    /// <summary>Calls onResult or onError for each task, in the order the tasks finish.</summary>
    public static async Task OnEachAsync(
        IEnumerable<Task<int>> tasks, Action<int> onResult, Action<Exception> onError)
    {
        await foreach (var finished in Task.WhenEach(tasks))
        {
            if (finished.IsCompletedSuccessfully)
            {
                onResult(finished.Result);
            }
            else
            {
                onError(finished.Exception?.InnerException ?? new TaskCanceledException(finished));
            }
        }
    }
    // </callbacks>

    public static IEnumerable<Task<int>> StartTasks(TimeSpan delay, TextWriter log, CancellationToken cancellationToken) =>
        [.. Enumerable.Range(0, 5).Select(name => name > 2 ? FailAsync(name, log) : SucceedAsync(name, delay, log, cancellationToken))];

    public static async Task RunAsync(ConceptContext ctx)
    {
        var log = ctx.Out; // synchronized by the host: tasks write from several threads at once
        await OnEachAsync(
            StartTasks(ctx.Seconds(1), log, ctx.CancellationToken),
            name => log.WriteLine($"[callback] task {name} finished"),
            ex => log.WriteLine($"[error_callback] {ex.GetType().Name}: {ex.Message}"));

        // The contrast: WhenAll rethrows one exception; all of them are in its AggregateException.
        var all = Task.WhenAll(StartTasks(TimeSpan.Zero, TextWriter.Null, ctx.CancellationToken));
        try
        {
            await all;
        }
        catch (InvalidOperationException first)
        {
            log.WriteLine($"await WhenAll threw '{first.Message}'; its AggregateException holds {all.Exception?.InnerExceptions.Count} exceptions");
        }
        log.WriteLine("over");
    }
}

using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.callbacks: react to each task's result or exception as soon as it finishes. Task.WhenEach
/// (.NET 9+) yields tasks in completion order, as Pool's callback and error_callback see them; a
/// faulted task carries its exception instead of throwing into a callback thread. ContinueWith is
/// the literal callback, but easy to get wrong: it runs on faulted tasks too, needs a scheduler.
/// </summary>
[Concept("pool.callbacks")]
public static class Callbacks
{
    // <tasks>
    public static async Task<int> SucceedAsync(
        int name, TimeSpan delay, TextWriter log, CancellationToken ct)
    {
        // On the caller's thread until its first await (no worker picks it up, unlike Pool)
        log.WriteLine($"[task {name}] starts on thread {Environment.CurrentManagedThreadId}");
        await Task.Delay(delay, ct);
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
    public static async Task OnEachAsync(
        IEnumerable<Task<int>> tasks, Action<int> onResult, Action<Exception> onError)
    {
        await foreach (var finished in Task.WhenEach(tasks))
        {
            if (finished.IsCompletedSuccessfully)
            {
                onResult(finished.Result);
                continue;
            }
            onError(finished.Exception?.InnerException ?? new TaskCanceledException(finished));
        }
    }
    // </callbacks>
    public static Task<int>[] StartTasks(TimeSpan delay, TextWriter log, CancellationToken ct) =>
        [.. Enumerable.Range(0, 3).Select(n => SucceedAsync(n, delay, log, ct)), FailAsync(3, log),
            FailAsync(4, log)];

    public static async Task RunAsync(ConceptContext ctx)
    {
        await OnEachAsync( // ctx.Out is synchronized by the host: tasks write from several threads
            StartTasks(ctx.Seconds(1), ctx.Out, ctx.CancellationToken),
            name => ctx.Out.WriteLine($"[callback] task {name} finished"),
            ex => ctx.Out.WriteLine($"[error_callback] {ex.GetType().Name}: {ex.Message}"));
        // The contrast: awaiting WhenAll rethrows only the first exception in input order.
        var all = Task.WhenAll(StartTasks(TimeSpan.Zero, TextWriter.Null, ctx.CancellationToken));
        try
        {
            await all;
        }
        catch (InvalidOperationException first)
        {
            ctx.Out.WriteLine($"await WhenAll threw '{first.Message}'; its AggregateException "
                + $"holds {all.Exception?.InnerExceptions.Count} exceptions");
        }
        ctx.Out.WriteLine("over");
    }
}

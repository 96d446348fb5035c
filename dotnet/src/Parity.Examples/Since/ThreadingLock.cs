using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.lock: .NET 9's System.Threading.Lock, a lock with a type of its own. `lock (gate)` on it
/// calls EnterScope() instead of Monitor.Enter; TryEnter(timeout) gives up after a while. It is
/// recursive: the thread that holds it may enter again (and must exit as often), which Python's
/// threading.Lock refuses and threading.RLock allows.
/// </summary>
[Concept("since.lock")]
public static class ThreadingLock
{
    // <reentry>
    /// <summary>
    /// Enter the lock, then again on the same thread: true if the second entry got in.
    /// </summary>
    public static bool EnterTwice(Lock gate)
    {
        lock (gate)
        {
            using (gate.EnterScope()) // recursive: no wait, the count goes to two
            {
                return gate.IsHeldByCurrentThread;
            }
        }
    }
    // </reentry>

    // <guard>
    public static async Task<int> AddAllAsync(int workers, int each)
    {
        var total = 0;
        var gate = new Lock();
        await Parallel.ForAsync(0, workers, (_, _) =>
        {
            for (var i = 0; i < each; i++)
            {
                lock (gate)
                {
                    total++;
                }
            }
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        return total;
    }
    // </guard>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine(
            $"System.Threading.Lock entered twice on one thread: {EnterTwice(new Lock())}");
        var total = await AddAllAsync(4, 10_000)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine($"4 threads x 10,000 locked increments: {total:N0}");
    }
    // </run>
}

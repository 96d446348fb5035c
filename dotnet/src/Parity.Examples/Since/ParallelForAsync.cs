using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.parallel-for-async: .NET 8's Parallel.ForAsync runs an async body for each index with
/// at most MaxDegreeOfParallelism in flight. The first exception stops handing out indices,
/// cancels the token the bodies were given, and comes out once they have all ended.
/// </summary>
[Concept("since.parallel-for-async")]
public static class ParallelForAsync
{
    // <for-async>
    public static Task ForAsync(
        int count, int limit, Func<int, CancellationToken, ValueTask> body,
        CancellationToken token = default)
    {
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = limit,
            CancellationToken = token,
        };
        return Parallel.ForAsync(0, count, options, body);
    }
    // </for-async>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        int running = 0, peak = 0, finished = 0;
        await ForAsync(count: 10, limit: 3, async (i, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(ctx.Seconds(0.05), token).ConfigureAwait(false);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref finished);
        }, ctx.CancellationToken)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine($"10 bodies, limit 3: {finished} finished, at most {peak} at once");
    }
    // </run>

    /// <summary>
    /// Raises <paramref name="target"/> to <paramref name="value"/> if higher, atomically.
    /// </summary>
    public static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var before = Interlocked.CompareExchange(ref target, value, seen);
            if (before == seen)
            {
                return;
            }
            seen = before;
        }
    }
}

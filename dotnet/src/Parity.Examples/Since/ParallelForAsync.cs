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
        var running = new ConcurrencyMeter("body running");
        var finished = 0;
        await ForAsync(count: 10, limit: 3, async (i, token) =>
        {
            await running.MeasureAsync(() => Task.Delay(ctx.Seconds(0.05), token))
                .ConfigureAwait(false);
            Interlocked.Increment(ref finished);
        }, ctx.CancellationToken)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine(
            $"10 bodies, limit 3: {finished} finished, at most {running.Max} at once");
    }
    // </run>
}

using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.result-timeout: stop waiting for a result without stopping the work. Task.WaitAsync
/// with a TimeSpan throws TimeoutException when the time is up; the task itself keeps running
/// and can be awaited again later, exactly like ApplyResult.get(timeout). To stop the work
/// too, pass a CancellationToken to the work itself (a pool task cannot be cancelled at all).
/// </summary>
[Concept("pool.result-timeout")]
public static class ResultTimeout
{
    public static async Task<int> SquareAsync(
        int x,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        await Task.Delay(duration, cancellationToken);
        return x * x;
    }

    // <timeout>
    public static async Task<IReadOnlyList<string>> GetWithTimeoutAsync(
        Task<int> work,
        TimeSpan firstWait,
        CancellationToken cancellationToken)
    {
        var events = new List<string> { $"submitted: IsCompleted={work.IsCompleted}" };
        try
        {
            events.Add($"value {await work.WaitAsync(firstWait, cancellationToken)}");
        }
        catch (TimeoutException ex) // only the wait timed out
        {
            events.Add($"timed out: {ex.GetType().FullName}('{ex.Message}')");
        }
        events.Add($"the task kept running: IsCompleted={work.IsCompleted}");
        events.Add($"value {await work.WaitAsync(Timeouts.Short, cancellationToken)} after all");
        return events;
    }
    // </timeout>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var work = Task.Run(
            () => SquareAsync(10, ctx.Seconds(1), ctx.CancellationToken),
            ctx.CancellationToken);
        var lines = await GetWithTimeoutAsync(work, ctx.Seconds(0.5), ctx.CancellationToken);
        foreach (var line in lines)
        {
            ctx.Out.WriteLine(line);
        }
    }
}

using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.cancel-after: give a 5 s operation a 3 s time limit with CancellationTokenSource.CancelAfter.
/// The token flows into the operation, which stops at its next await. Task.Delay reports that as
/// TaskCanceledException, but other operations throw its base class OperationCanceledException
/// (ThrowIfCancellationRequested, SemaphoreSlim.WaitAsync, channels...), so catch the base, as
/// the article's <c>catch (TaskCanceledException)</c> does not. A linked source keeps the caller's
/// own cancel apart from the time limit. Task.WaitAsync(timeout) is not the same thing: it stops
/// waiting, but the operation runs on.
/// </summary>
[Concept("task.cancel-after")]
public static class CancelAfter
{
    // <operation>
    /// <summary>A long operation that awaits a delay: cancelled, it throws
    /// TaskCanceledException.</summary>
    public static async Task<string> DoSomethingAsync(TimeSpan duration, CancellationToken token)
    {
        await Task.Delay(duration, token);
        return "ok";
    }

    /// <summary>A long operation that checks its token between steps: cancelled, it throws
    /// OperationCanceledException.</summary>
    public static async Task<string> WorkInStepsAsync(TimeSpan duration, CancellationToken token)
    {
        var step = duration / 20;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(step, CancellationToken.None);
            token.ThrowIfCancellationRequested();
        }
        return "ok";
    }
    // </operation>

    // <cancel-after>
    /// <summary>Runs <paramref name="operation"/> for at most <paramref name="limit"/>.</summary>
    public static async Task<string> WithTimeLimitAsync(
        Func<CancellationToken, Task<string>> operation, TimeSpan limit, CancellationToken token)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(limit);
        try
        {
            return await operation(cts.Token);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return "timed out"; // our limit, not the caller's cancel (that one propagates)
        }
    }
    // </cancel-after>

    // <catch-task-canceled>
    /// <summary>The article's handler: catches TaskCanceledException only.</summary>
    public static async Task<string> ArticleStyleAsync(
        Func<CancellationToken, Task<string>> operation, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(limit);
        try
        {
            return await operation(cts.Token);
        }
        catch (TaskCanceledException)
        {
            return "false";
        }
    }
    // </catch-task-canceled>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = ctx.Seconds(3);
        var work = ctx.Seconds(5);
        var stopwatch = Stopwatch.StartNew();
        var token = ctx.CancellationToken;
        var result = await WithTimeLimitAsync(t => DoSomethingAsync(work, t), limit, token);
        ctx.Out.WriteLine($"CancelAfter({limit.TotalSeconds:F2} s) on a {work.TotalSeconds:F2} s "
            + $"Task.Delay: '{result}' after {stopwatch.Elapsed.TotalSeconds:F2} s");

        result = await WithTimeLimitAsync(t => WorkInStepsAsync(work, t), limit, token);
        ctx.Out.WriteLine($"same limit on a loop calling ThrowIfCancellationRequested: '{result}'");

        try
        {
            result = await ArticleStyleAsync(t => WorkInStepsAsync(work, t), limit);
            ctx.Out.WriteLine($"article's catch (TaskCanceledException): '{result}'");
        }
        catch (OperationCanceledException ex)
        {
            ctx.Out.WriteLine($"article's catch (TaskCanceledException) missed a {ex.GetType().Name}");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var operation = DoSomethingAsync(work, stop.Token);
        try
        {
            await operation.WaitAsync(limit, token);
        }
        catch (TimeoutException)
        {
            ctx.Out.WriteLine($"WaitAsync({limit.TotalSeconds:F2} s) threw TimeoutException; "
                + $"the operation is still {operation.Status}");
        }
        await stop.CancelAsync(); // WaitAsync gave up waiting, not the work: stop it ourselves
        await ((Task)operation).WaitAsync(Timeouts.Short, CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ctx.Out.WriteLine($"  cancelled by its own token: {operation.Status}");
    }
    // </run>
}

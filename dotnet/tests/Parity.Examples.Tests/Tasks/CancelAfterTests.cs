using System.Diagnostics;
using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class CancelAfterTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3) * Ctx.TestTimeScale;
    // Unscaled, so the limit always comes first; every test still ends soon after the limit.
    private static readonly TimeSpan Work = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WithTimeLimit_LimitShorterThanDelay_TimesOutAtTheLimit()
    {
        // Unscaled work: on a loaded machine a stalled timer queue could fire a 0.25 s delay and a
        // 0.15 s CancelAfter in the same tick, in either order. "timed out" says the limit came
        // first, long before the work; the clock says not before the limit.
        var stopwatch = Stopwatch.StartNew();
        var result = await CancelAfter.WithTimeLimitAsync(t => CancelAfter.DoSomethingAsync(Work, t), Limit, CancellationToken.None)
            .WaitAsync(Timeouts.Short);
        Assert.Equal("timed out", result);
        TimerSlack.AssertWaited(stopwatch.Elapsed, Limit);
    }

    [Fact]
    public async Task DoSomething_TokenCancelled_ThrowsTaskCanceledException()
    {
        using var cts = new CancellationTokenSource(Limit);
        // ThrowsAsync checks the exact type: Task.Delay throws the derived TaskCanceledException.
        await Assert.ThrowsAsync<TaskCanceledException>(() => CancelAfter.DoSomethingAsync(Work, cts.Token));
    }

    [Fact]
    public async Task WorkInSteps_TokenCancelled_ThrowsPlainOperationCanceledException()
    {
        using var cts = new CancellationTokenSource(Limit);
        var error = await Assert.ThrowsAsync<OperationCanceledException>(() => CancelAfter.WorkInStepsAsync(Work, cts.Token));
        Assert.IsNotType<TaskCanceledException>(error);
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task WithTimeLimit_StepwiseOperation_TimesOutToo()
    {
        var result = await CancelAfter.WithTimeLimitAsync(t => CancelAfter.WorkInStepsAsync(Work, t), Limit, CancellationToken.None)
            .WaitAsync(Timeouts.Short);
        Assert.Equal("timed out", result);
    }

    [Fact]
    public async Task ArticleStyle_StepwiseOperation_LetsOperationCanceledExceptionEscape()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            CancelAfter.ArticleStyleAsync(t => CancelAfter.WorkInStepsAsync(Work, t), Limit).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ArticleStyle_TaskDelay_CatchesIt()
    {
        var result = await CancelAfter.ArticleStyleAsync(t => CancelAfter.DoSomethingAsync(Work, t), Limit).WaitAsync(Timeouts.Short);
        Assert.Equal("false", result);
    }

    [Fact]
    public async Task WithTimeLimit_CallerCancels_PropagatesInsteadOfReportingTimeout()
    {
        using var caller = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = CancelAfter.WithTimeLimitAsync(async t =>
        {
            started.SetResult();
            return await CancelAfter.DoSomethingAsync(Timeouts.Long, t);
        }, Timeouts.Short, caller.Token);
        await started.Task.WaitAsync(Timeouts.Short);
        await caller.CancelAsync();
        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => run.WaitAsync(Timeouts.Short));
        Assert.True(error.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitAsync_Timeout_ThrowsTimeoutExceptionButOperationRunsOn()
    {
        using var cts = new CancellationTokenSource();
        var operation = CancelAfter.DoSomethingAsync(Work, cts.Token);
        await Assert.ThrowsAsync<TimeoutException>(() => operation.WaitAsync(Limit));
        Assert.False(operation.IsCompleted); // only the wait gave up
        await cts.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => operation.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Run_ReportsTimeoutsAndTheMissedException()
    {
        // A scale of 0.4 leaves 0.8 s between the limit (1.2 s) and the end of the work (2 s):
        // on a loaded machine two timers 0.2 s apart can fire in either order (see above).
        var text = await Ctx.RunAsync(CancelAfter.RunAsync, timeScale: 0.4);
        Assert.Contains("Task.Delay: 'timed out'", text, StringComparison.Ordinal);
        Assert.Contains("ThrowIfCancellationRequested: 'timed out'", text, StringComparison.Ordinal);
        Assert.Contains("missed a OperationCanceledException", text, StringComparison.Ordinal);
        Assert.Contains("threw TimeoutException; the operation is still", text, StringComparison.Ordinal);
    }
}

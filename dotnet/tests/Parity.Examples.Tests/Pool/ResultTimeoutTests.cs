using Parity.Examples.Pool;

namespace Parity.Examples.Tests.Pool;

public sealed class ResultTimeoutTests
{
    [Fact]
    public async Task WaitAsync_TaskStillRunning_ThrowsTimeoutAndTaskFinishesLater()
    {
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = gate.Task.ContinueWith(t => t.Result * t.Result, TaskScheduler.Default);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => work.WaitAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal("The operation has timed out.", ex.Message);
        Assert.False(work.IsCompleted); // only the wait gave up

        gate.SetResult(10);
        Assert.Equal(100, await work.WaitAsync(ResultTimeout.Timeout));
    }

    [Fact]
    public async Task WaitAsync_TokenInsteadOfTimeout_ThrowsTaskCanceled()
    {
        var never = new TaskCompletionSource<int>().Task;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAsync<TaskCanceledException>(() => never.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task GetWithTimeout_OneSecondTaskHalfSecondWait_TimesOutThenReturns100()
    {
        var ctx = Ctx.Create(out _);
        var work = ResultTimeout.SquareAsync(10, ctx.Seconds(1), CancellationToken.None);
        var events = await ResultTimeout.GetWithTimeoutAsync(work, ctx.Seconds(0.5), CancellationToken.None);
        // The task cannot finish before its 1 s (scaled), so the 0.5 s wait always times out.
        Assert.Equal("submitted: IsCompleted=False", events[0]);
        Assert.Equal("timed out: System.TimeoutException('The operation has timed out.')", events[1]);
        Assert.Equal("value 100 after all", events[3]);
    }
}

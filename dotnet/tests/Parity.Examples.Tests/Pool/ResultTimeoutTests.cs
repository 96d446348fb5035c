using Parity.Examples.Infrastructure;
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
        Assert.Equal(100, await work.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task WaitAsync_TokenInsteadOfTimeout_ThrowsTaskCanceled()
    {
        var never = new TaskCompletionSource<int>().Task;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAsync<TaskCanceledException>(() => never.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task GetWithTimeout_TaskStillRunning_TimesOutThenReturns100()
    {
        // The work waits for a gate only the test opens. A zero wait times out at once, before
        // GetWithTimeoutAsync first yields (a 1 s task against a 0.5 s wait would be a race
        // between two timers on a loaded machine).
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Task.Run(async () =>
        {
            await gate.Task;
            return 10 * 10;
        });
        var getting = ResultTimeout.GetWithTimeoutAsync(work, TimeSpan.Zero, CancellationToken.None);
        Assert.False(getting.IsCompleted); // waiting again, this time for the result
        gate.SetResult();
        var events = await getting.WaitAsync(Timeouts.Short);
        Assert.Equal("submitted: IsCompleted=False", events[0]);
        Assert.Equal("timed out: System.TimeoutException('The operation has timed out.')", events[1]);
        Assert.Equal("the task kept running: IsCompleted=False", events[2]);
        Assert.Equal("value 100 after all", events[3]);
    }
}

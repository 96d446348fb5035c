using System.Diagnostics;
using Parity.Examples.Infrastructure;
using Parity.Examples.Parallelism;

namespace Parity.Examples.Tests.Parallelism;

public sealed class InvokeTests
{

    [Fact]
    public async Task Discarding_AsyncWork_ReturnsBeforeTheWorkCompletes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        Task Work()
        {
            Interlocked.Increment(ref started);
            return gate.Task;
        }
        // Parallel.Invoke returns although both tasks are still incomplete (the gate is closed).
        await Task.Run(() => Invoke.Discarding(Work, Work)).WaitAsync(Timeouts.Short);
        Assert.Equal(2, started);
        Assert.False(gate.Task.IsCompleted);
        gate.SetResult();
    }

    [Fact]
    public async Task ArticleForm_DelaysThatNeverEnd_ReturnsAnyway()
    {
        // Delays that never end: a call that waited for them would never return.
        await Task.Run(() => Invoke.ArticleForm(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)).WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Awaiting_AsyncWork_CompletesOnlyWhenTheWorkDoes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = Invoke.Awaiting(() => gate.Task, () => Task.CompletedTask);
        Assert.False(all.IsCompleted);
        gate.SetResult();
        await all.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Blocking_TwoSleeps_TakesAtLeastTheLongest()
    {
        var longest = TimeSpan.FromSeconds(3 * Ctx.TestTimeScale);
        var watch = Stopwatch.StartNew();
        await Task.Run(() => Invoke.Blocking(CancellationToken.None, () => Thread.Sleep(longest), () => Thread.Sleep(longest / 2))).WaitAsync(Timeouts.Short);
        TimerSlack.AssertWaited(watch.Elapsed, longest);
    }

    /// <summary>Runs two actions that wait at one barrier for each other; how many passed (2 only if they overlapped).</summary>
    private static async Task<int> MeetingAsync(Action<Action, Action> run)
    {
        using var barrier = new Barrier(2);
        var passed = 0;
        void Meet()
        {
            if (barrier.SignalAndWait(Timeouts.Short))
            {
                Interlocked.Increment(ref passed);
            }
        }
        await Task.Run(() => run(Meet, Meet)).WaitAsync(Timeouts.Long);
        return passed;
    }

    [Fact]
    public async Task Blocking_TwoActionsWaitingForEachOther_RunAtTheSameTime() =>
        Assert.Equal(2, await MeetingAsync((a, b) => Invoke.Blocking(CancellationToken.None, a, b)));

    [Fact]
    public void Blocking_TokenAlreadyCancelled_ThrowsBeforeAnyActionRuns()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var started = 0;
        var ex = Assert.Throws<OperationCanceledException>(() => Parallel.Invoke(
            new ParallelOptions { CancellationToken = cts.Token },
            () => Interlocked.Increment(ref started),
            () => Interlocked.Increment(ref started)));
        Assert.Equal(0, started);
        Assert.Equal("The operation was canceled.", ex.Message);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Throws<OperationCanceledException>(() => Invoke.Blocking(cts.Token, () => Thread.Sleep(Timeouts.Short)));
    }

    [Fact]
    public async Task WithPlinq_TwoActionsWaitingForEachOther_RunAtTheSameTime() =>
        Assert.Equal(2, await MeetingAsync((a, b) => Invoke.WithPlinq(CancellationToken.None, a, b)));

    [Fact]
    public async Task RunAsync_Always_ShowsTheTrapAndTheCancellation()
    {
        var text = await Ctx.RunAsync(Invoke.RunAsync);
        Assert.Contains("(nothing waited)", text, StringComparison.Ordinal);
        Assert.Contains("cancelled token: OperationCanceledException: The operation was canceled. (0 actions started)", text, StringComparison.Ordinal);
    }
}

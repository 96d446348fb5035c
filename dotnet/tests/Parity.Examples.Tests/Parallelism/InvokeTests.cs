using System.Diagnostics;
using Parity.Examples.Parallelism;

namespace Parity.Examples.Tests.Parallelism;

public sealed class InvokeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

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
        await Task.Run(() => Invoke.Discarding(Work, Work)).WaitAsync(Timeout);
        Assert.Equal(2, started);
        Assert.False(gate.Task.IsCompleted);
        gate.SetResult();
    }

    [Fact]
    public void ArticleForm_ThreeAndTwoSeconds_ReturnsLongBeforeTheShorterDelay()
    {
        // Unscaled article durations: a call that waited would take at least 3 s. Called directly
        // (Parallel.Invoke can run its actions on this thread), so a busy pool cannot delay it.
        var watch = Stopwatch.StartNew();
        Invoke.ArticleForm(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Awaiting_AsyncWork_CompletesOnlyWhenTheWorkDoes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = Invoke.Awaiting(() => gate.Task, () => Task.CompletedTask);
        Assert.False(all.IsCompleted);
        gate.SetResult();
        await all.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Blocking_TwoSleeps_TakesAtLeastTheLongest()
    {
        var longest = TimeSpan.FromSeconds(3 * Ctx.TestTimeScale);
        var watch = Stopwatch.StartNew();
        await Task.Run(() => Invoke.Blocking(CancellationToken.None, longest, longest / 2)).WaitAsync(Timeout);
        Assert.True(watch.Elapsed >= longest * 0.95, $"took {watch.Elapsed}");
    }

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
        Assert.Throws<OperationCanceledException>(() => Invoke.Blocking(cts.Token, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task WithPlinq_TwoActionsWaitingForEachOther_RunAtTheSameTime()
    {
        using var barrier = new Barrier(2);
        var passed = 0;
        void Meet()
        {
            if (barrier.SignalAndWait(Timeout))
            {
                Interlocked.Increment(ref passed);
            }
        }
        await Task.Run(() => Invoke.WithPlinq(CancellationToken.None, Meet, Meet)).WaitAsync(Timeout * 2);
        Assert.Equal(2, passed);
    }

    [Fact]
    public async Task RunAsync_Always_ShowsTheTrapAndTheCancellation()
    {
        var ctx = Ctx.Create(out var output);
        await Invoke.RunAsync(ctx);
        var text = output.ToString();
        Assert.Contains("(nothing waited)", text, StringComparison.Ordinal);
        Assert.Contains("cancelled token: OperationCanceledException: The operation was canceled. (0 actions started)", text, StringComparison.Ordinal);
    }
}

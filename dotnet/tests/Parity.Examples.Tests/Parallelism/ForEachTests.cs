using Parity.Examples.Infrastructure;
using Parity.Examples.Parallelism;

namespace Parity.Examples.Tests.Parallelism;

// Alone: unbounded Parallel.ForEach and PLINQ park blocking bodies on pool threads, which would
// delay the timers and continuations of whatever ran beside them.
[Collection(nameof(Sequential))]
public sealed class ForEachTests
{
    private static readonly TimeSpan Body = TimeSpan.FromSeconds(0.5 * Ctx.TestTimeScale);

    [Fact]
    public void ParallelForEachMax_MaxDegreeTwo_NeverExceedsTwo() =>
        Assert.InRange(ForEach.ParallelForEachMax(8, Body, maxDegree: 2), 1, 2);

    [Fact]
    public void ParallelForEachMax_MaxDegreeTwoNonBlocking_NeverExceedsTwo() =>
        Assert.InRange(ForEach.ParallelForEachMax(2_000, TimeSpan.Zero, maxDegree: 2), 1, 2);

    [Fact]
    public void PlinqMax_DegreeTwo_NeverExceedsTwo()
    {
        Assert.InRange(ForEach.PlinqMax(8, Body, degree: 2), 1, 2);
        Assert.InRange(ForEach.PlinqMax(2_000, TimeSpan.Zero, degree: 2), 1, 2);
    }

    [Fact]
    public void PlinqMax_DefaultDegree_NeverExceedsProcessorCount() =>
        Assert.InRange(ForEach.PlinqMax(8, Body), 1, Environment.ProcessorCount);

    [Fact]
    public async Task ForEachAsyncMax_MaxDegreeTwo_NeverExceedsTwo() =>
        Assert.InRange(await ForEach.ForEachAsyncMax(8, Body, maxDegree: 2).WaitAsync(Timeouts.Short), 1, 2);

    [Fact]
    public async Task ForEachAsyncMax_Default_NeverExceedsProcessorCount() =>
        Assert.InRange(await ForEach.ForEachAsyncMax(8, Body).WaitAsync(Timeouts.Short), 1, Environment.ProcessorCount);

    [Fact]
    public void ParallelOptions_Default_HasNoDegreeLimit() =>
        Assert.Equal(-1, new ParallelOptions().MaxDegreeOfParallelism);

    [Fact]
    public void ParallelForEachReaches_DefaultOptionsThreadPerTask_RunsMoreBodiesThanCores()
    {
        // More bodies at once than PLINQ's default degree (ProcessorCount) could ever run.
        var participants = Environment.ProcessorCount + 4;
        Assert.True(ForEach.ParallelForEachReaches(participants, Timeouts.Short));
    }

    [Fact]
    public async Task RunAsync_Always_ReportsTheBoundedCounts()
    {
        var text = await Ctx.RunAsync(ForEach.RunAsync);
        Assert.Contains("all met: True", text, StringComparison.Ordinal);
        Assert.Contains("default ParallelOptions.MaxDegreeOfParallelism: -1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeWhileLooping_Plinq_StartsWhileItsBodiesWaitAndHoldsAtMostOnePerCore()
    {
        var probe = ThreadPoolProbe.ProbeWhileLooping(plinq: true, items: 64, Timeouts.Short);
        Assert.True(probe.ReleasedByProbe); // the work item ran before any body gave up waiting for it
        Assert.InRange(probe.BodiesAtStart, 1, Environment.ProcessorCount); // PLINQ's degree, no more
    }

    [Fact]
    public void ProbeWhileLooping_ParallelForEach_StartsWhileItsBodiesWait()
    {
        var probe = ThreadPoolProbe.ProbeWhileLooping(plinq: false, items: 64, Timeouts.Short);
        Assert.True(probe.ReleasedByProbe); // not starved: it ran while the loop was still going
        Assert.True(probe.BodiesAtStart >= 1);
    }

    [Fact]
    public async Task RunAsync_HostCancelsDuringLongBodies_StopsWithOperationCanceled()
    {
        // Bodies of 500 s each (scale 1000): only the host's token can end the run in time. Before
        // the fix the PLINQ and Parallel.ForEach lines ignored it and ran for many minutes.
        using var host = new CancellationTokenSource();
        var ctx = Ctx.Create(out _, timeScale: 1000, cancellationToken: host.Token);
        var run = Task.Run(() => ForEach.RunAsync(ctx));
        await host.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Timeouts.Short));
    }

    [Theory]
    [InlineData("plinq")]
    [InlineData("parallel.foreach")]
    public async Task BlockingLoop_TokenCancelled_EndsTheBlockingBodiesAndThrows(string loop)
    {
        // The bodies would block for Timeouts.Long; the cancel comes at once or while they block.
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => loop == "plinq"
            ? ForEach.PlinqMax(2, Timeouts.Long, token: cts.Token)
            : ForEach.ParallelForEachMax(2, Timeouts.Long, token: cts.Token));
        cts.CancelAfter(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Timeouts.Short));
    }
}

using Parity.Examples.Parallelism;

namespace Parity.Examples.Tests.Parallelism;

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
        Assert.InRange(await ForEach.ForEachAsyncMax(8, Body, maxDegree: 2).WaitAsync(TimeSpan.FromSeconds(30)), 1, 2);

    [Fact]
    public async Task ForEachAsyncMax_Default_NeverExceedsProcessorCount() =>
        Assert.InRange(await ForEach.ForEachAsyncMax(8, Body).WaitAsync(TimeSpan.FromSeconds(30)), 1, Environment.ProcessorCount);

    [Fact]
    public void ParallelOptions_Default_HasNoDegreeLimit() =>
        Assert.Equal(-1, new ParallelOptions().MaxDegreeOfParallelism);

    [Fact]
    public void ParallelForEachReaches_DefaultOptionsThreadPerTask_RunsMoreBodiesThanCores()
    {
        // More bodies at once than PLINQ's default degree (ProcessorCount) could ever run.
        var participants = Environment.ProcessorCount + 4;
        Assert.True(ForEach.ParallelForEachReaches(participants, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RunAsync_Always_ReportsTheBoundedCounts()
    {
        var ctx = Ctx.Create(out var output);
        await ForEach.RunAsync(ctx);
        var text = output.ToString();
        Assert.Contains("all met: True", text, StringComparison.Ordinal);
        Assert.Contains("default ParallelOptions.MaxDegreeOfParallelism: -1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeWhileLooping_Plinq_StartsWhileItsBodiesWaitAndHoldsAtMostOnePerCore()
    {
        var probe = ForEach.ProbeWhileLooping(plinq: true, items: 64, TimeSpan.FromSeconds(30));
        Assert.True(probe.ReleasedByProbe); // the work item ran before any body gave up waiting for it
        Assert.InRange(probe.BodiesAtStart, 1, Environment.ProcessorCount); // PLINQ's degree, no more
    }

    [Fact]
    public void ProbeWhileLooping_ParallelForEach_StartsWhileItsBodiesWait()
    {
        var probe = ForEach.ProbeWhileLooping(plinq: false, items: 64, TimeSpan.FromSeconds(30));
        Assert.True(probe.ReleasedByProbe); // not starved: it ran while the loop was still going
        Assert.True(probe.BodiesAtStart >= 1);
    }
}

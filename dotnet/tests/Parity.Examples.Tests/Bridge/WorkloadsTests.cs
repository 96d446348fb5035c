using Parity.Examples.Bridge;

namespace Parity.Examples.Tests.Bridge;

/// <summary>The benchmarks' CPU-bound map: every variant computes the same sum, whatever the worker count.</summary>
public sealed class WorkloadsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1_001, 1)]
    [InlineData(1_001, 2)]
    [InlineData(1_001, 3)]
    public void MapVariants_SameInput_AgreeWithTheSequentialSum(int count, int workers)
    {
        var expected = Enumerable.Range(0, count).Sum(Examples.Plinq.Cancellation.Work);
        // Floating-point sums in another order differ in the last bits only.
        var tolerance = Math.Abs(expected) * 1e-12;
        Assert.Equal(expected, Workloads.MapSequential(count), tolerance);
        Assert.Equal(expected, Workloads.MapPlinq(count, workers), tolerance);
        Assert.Equal(expected, Workloads.MapParallelFor(count, workers), tolerance);
    }
}

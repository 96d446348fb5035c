using Parity.Examples.Infrastructure;
using Parity.Examples.Plinq;

namespace Parity.Examples.Tests.Plinq;

public sealed class SumTests
{
    [Fact]
    public void Parallel_MillionNumbers_EqualsSequentialAndClosedForm()
    {
        var numbers = Sum.Numbers(Sum.Count);
        Assert.Equal(499_999_500_000L, Sum.Sequential(numbers));
        Assert.Equal(499_999_500_000L, Sum.Parallel(numbers));
        Assert.Equal(499_999_500_000L, Sum.ParallelRange(Sum.Count));
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1L, 0L)]
    [InlineData(10L, 45L)]
    public void ParallelRange_SmallCounts_MatchesClosedForm(long count, long expected) =>
        Assert.Equal(expected, Sum.ParallelRange(count));

    [Fact]
    public void MedianTime_NineRuns_CallsTheSumOnceMoreToWarmUp()
    {
        // How fast the sum is belongs in the benchmarks (dotnet/bench); here only what MedianTime does.
        var calls = 0;
        Sum.MedianTime(() => Interlocked.Increment(ref calls));
        Assert.Equal(1 + 9, calls);
    }

    [Fact]
    public void LongItemsOverlap_TwoItemsWaitingForEachOther_BothPass() =>
        Assert.True(Sum.LongItemsOverlap(Timeouts.Short));

    [Fact]
    public void MedianTime_BadRuns_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Sum.MedianTime(() => 0, runs: 0));

    [Fact]
    public async Task RunAsync_Always_PrintsTheSumsAndTheMedianTimes()
    {
        var text = await Ctx.RunAsync(Sum.RunAsync);
        Assert.Contains("parallel:   499999500000", text, StringComparison.Ordinal);
        Assert.Matches(@"median of 9 in-process runs: sequential \d+\.\d{3} ms, parallel \d+\.\d{3} ms", text);
    }
}

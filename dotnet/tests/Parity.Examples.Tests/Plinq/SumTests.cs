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
}

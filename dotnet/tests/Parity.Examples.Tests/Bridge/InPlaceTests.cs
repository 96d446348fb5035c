using Parity.Examples.Bridge;

namespace Parity.Examples.Tests.Bridge;

/// <summary>The zero-copy path, driven from C# with a pinned managed array standing in for numpy's buffer.</summary>
public sealed class InPlaceTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(7, 2)]
    [InlineData(1_000, 1)]
    [InlineData(1_001, 3)]
    [InlineData(100_003, 0)]
    public unsafe void ParallelSum_PinnedArray_EqualsTheSequentialSum(int count, int workers)
    {
        long[] values = [.. Enumerable.Range(0, count).Select(i => (long)i * 3 - 7)];
        fixed (long* pointer = values)
        {
            Assert.Equal(values.Sum(), InPlace.ParallelSum((nint)pointer, count, workers));
            Assert.Equal(values.Sum(), InPlace.Sum((nint)pointer, count));
        }
    }

    [Fact]
    public unsafe void ParallelSum_SliceInTheMiddle_ReadsOnlyThatSlice()
    {
        long[] values = [100, 1, 2, 3, 100];
        fixed (long* pointer = values)
        {
            Assert.Equal(6L, InPlace.ParallelSum((nint)(pointer + 1), 3, 2));
        }
    }

    [Fact]
    public unsafe void ParallelSum_ArrayChangedBetweenCalls_SeesTheChange()
    {
        long[] values = [1, 2, 3];
        fixed (long* pointer = values)
        {
            Assert.Equal(6L, InPlace.ParallelSum((nint)pointer, 3));
            values[0] = 10;
            Assert.Equal(15L, InPlace.ParallelSum((nint)pointer, 3));
        }
    }

    [Fact]
    public void ParallelSum_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InPlace.ParallelSum(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InPlace.ParallelSum(1, 1, -1));
        Assert.Throws<ArgumentException>(() => InPlace.ParallelSum(0, 5));
        Assert.Equal(0L, InPlace.ParallelSum(0, 0));
    }
}

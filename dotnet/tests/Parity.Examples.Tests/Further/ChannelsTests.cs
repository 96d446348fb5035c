using System.Runtime.InteropServices;
using System.Threading.Channels;
using Parity.Examples.Further;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Further;

public sealed class ChannelsTests
{
    [Theory]
    [InlineData(BoundedChannelFullMode.Wait, new[] { 1, 2, 3 }, new int[0], new[] { 4, 5 })]
    [InlineData(BoundedChannelFullMode.DropNewest, new[] { 1, 2, 5 }, new[] { 3, 4 }, new int[0])]
    [InlineData(BoundedChannelFullMode.DropOldest, new[] { 3, 4, 5 }, new[] { 1, 2 }, new int[0])]
    [InlineData(BoundedChannelFullMode.DropWrite, new[] { 1, 2, 3 }, new[] { 4, 5 }, new int[0])]
    public async Task FullMode_CapacityThreeFiveWrites_KeepsAndDropsAsDocumented(BoundedChannelFullMode mode, int[] kept, int[] dropped, int[] refused)
    {
        var result = await Channels.FillAsync(mode, capacity: 3, count: 5).WaitAsync(Timeouts.Short);
        Assert.Equal(kept, result.Kept);
        Assert.Equal(dropped, result.Dropped);
        Assert.Equal(refused, result.Refused);
    }

    [Fact]
    public async Task Wait_Full_WriteAsyncWaitsUntilARead()
    {
        var channel = Channel.CreateBounded<int>(1);
        Assert.True(channel.Writer.TryWrite(1));
        var write = channel.Writer.WriteAsync(2);
        Assert.False(write.IsCompleted);
        Assert.True(channel.Reader.TryRead(out var first));
        Assert.Equal(1, first);
        await write.AsTask().WaitAsync(Timeouts.Short);
        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal(2, second);
    }

    [Fact]
    public async Task SeveralProducersAndConsumers_EveryItemTakenOnce()
    {
        var taken = await Channels.ShareAsync(producers: 3, itemsEach: 100, consumers: 2, capacity: 4).WaitAsync(Timeouts.Short);
        Assert.Equal(Enumerable.Range(0, 300), taken.SelectMany(t => t).Order());
    }

    [Fact]
    public void Channels_OnNet10_ComeFromTheSharedFramework()
    {
        var assembly = typeof(Channel).Assembly;
        Assert.Equal("System.Threading.Channels", assembly.GetName().Name);
        Assert.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), assembly.Location, StringComparison.Ordinal);
    }
}

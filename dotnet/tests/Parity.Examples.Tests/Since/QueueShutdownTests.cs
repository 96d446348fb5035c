using System.Threading.Channels;
using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class QueueShutdownTests
{
    [Fact]
    public async Task Complete_ThreeReaders_EveryItemTakenOnceAndAllEnd()
    {
        var taken = await QueueShutdown.ShareAsync(items: 50, readers: 3).WaitAsync(Timeouts.Short);
        Assert.Equal(Enumerable.Range(0, 50), taken.SelectMany(t => t).Order());
    }

    [Fact]
    public async Task Complete_ThenWrite_ThrowsAndReadsDrainThenEnd()
    {
        var channel = Channel.CreateUnbounded<int>();
        Assert.True(channel.Writer.TryWrite(1));
        channel.Writer.Complete();
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Writer.WriteAsync(2));
        Assert.Equal(1, await channel.Reader.ReadAsync().AsTask().WaitAsync(Timeouts.Short));
        await Assert.ThrowsAsync<ChannelClosedException>(async () => await channel.Reader.ReadAsync());
    }

    [Fact]
    public async Task Complete_ReaderAlreadyWaiting_WakesWithChannelClosed()
    {
        var channel = Channel.CreateUnbounded<int>();
        var read = channel.Reader.ReadAsync().AsTask();
        Assert.False(read.IsCompleted);
        channel.Writer.Complete();
        await Assert.ThrowsAsync<ChannelClosedException>(() => read.WaitAsync(Timeouts.Short));
    }
}

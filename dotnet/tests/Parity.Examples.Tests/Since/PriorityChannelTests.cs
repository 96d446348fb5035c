using System.Threading.Channels;
using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class PriorityChannelTests
{
    [Fact]
    public async Task Serve_LowestPriorityFirst_TiesInArrivalOrder()
    {
        (int, string)[] jobs = [(2, "report"), (0, "outage"), (1, "review"), (2, "backup"), (0, "fix")];
        var served = await PriorityChannel.ServeAsync(jobs).WaitAsync(Timeouts.Short);
        Assert.Equal(["outage", "fix", "review", "report", "backup"], served);
    }

    [Fact]
    public async Task Reader_BlockedInReadAsync_GetsTheFirstWriteNotTheMostUrgent()
    {
        var channel = Channel.CreateUnboundedPrioritized<int>();
        var read = channel.Reader.ReadAsync().AsTask();
        Assert.False(read.IsCompleted);
        Assert.True(channel.Writer.TryWrite(5)); // handed straight to the blocked reader
        Assert.True(channel.Writer.TryWrite(1));
        Assert.Equal(5, await read.WaitAsync(Timeouts.Short));
        Assert.True(channel.Reader.TryRead(out var next));
        Assert.Equal(1, next);
    }
}

using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

public sealed class QueueBoundedTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2) * Ctx.TestTimeScale;

    [Fact]
    public async Task Fill_AFourthWrite_IsCancelledAfterTheDeadlineAndTryWriteFails()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (channel, log) = await QueueBounded.FillAsync(Wait, CancellationToken.None);

        TimerSlack.AssertWaited(clock.Elapsed, Wait);
        Assert.Equal(
            [$"WriteAsync with a {Wait.TotalSeconds:F2} s deadline was cancelled: 3 messages", "TryWrite returned false: 3 messages"],
            log);
        Assert.Equal(QueueBounded.Capacity, channel.Reader.Count);
    }

    [Fact]
    public async Task Drain_TakesEveryMessageInOrder_WithTheCountLeft()
    {
        var (channel, _) = await QueueBounded.FillAsync(Wait, CancellationToken.None);
        var taken = QueueBounded.Drain(channel);

        Assert.Equal(QueueBounded.Messages().Select(QueueBounded.Show), taken.Select(t => QueueBounded.Show(t.Message)));
        Assert.Equal([2, 1, 0], taken.Select(t => t.Left));
        Assert.False(channel.Reader.TryRead(out _));
    }

    [Fact]
    public void BlockingCollection_TryAddOnAFullCollection_ReturnsFalseAfterTheTimeout()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(QueueBounded.FullBlockingCollectionTryAdd(Wait));
        TimerSlack.AssertWaited(clock.Elapsed, Wait);
    }

    [Fact]
    public async Task WriteAfterComplete_ThrowsChannelClosedException()
    {
        var (channel, _) = await QueueBounded.FillAsync(Wait, CancellationToken.None);
        channel.Writer.Complete();
        Assert.False(channel.Writer.TryWrite("late"));
        Assert.Equal("ChannelClosedException", await QueueBounded.WriteAfterCompleteAsync(channel));
    }
}

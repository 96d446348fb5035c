using Parity.Examples.Further;

namespace Parity.Examples.Tests.Further;

public sealed class SchedulingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pair_ExclusiveQueuedWhileConcurrentRuns_RunsAloneAfterIt()
    {
        var log = await Scheduling.PairOrderAsync(Limit);
        var e = log.IndexOf("E+");
        Assert.True(log.IndexOf("A-") < e, string.Join(" ", log));
        Assert.Equal("E-", log[e + 1]); // nothing ran while E did
        Assert.Equal(6, log.Count);
    }

    [Fact]
    public async Task ConcurrentScheduler_MaxTwo_RunsAtMostTwoAtOnce() =>
        Assert.Equal(2, await Scheduling.PeakOnLimitedSchedulerAsync(2, 8, Limit));

    [Fact]
    public async Task LongRunning_RunsOnADedicatedThreadNotThePool()
    {
        var (pooled, dedicated) = await Scheduling.OnPoolThreadAsync();
        Assert.True(pooled);
        Assert.False(dedicated);
    }

    [Fact]
    public async Task OneSlotScheduler_BlockingOnATaskQueuedBehind_StarvesAndAwaitDoesNot()
    {
        var (blocked, awaited) = await Scheduling.OneSlotAsync(TimeSpan.FromMilliseconds(200), Limit);
        Assert.False(blocked);
        Assert.True(awaited);
    }

    [Fact]
    public async Task PoolStarvation_SyncOverAsync_StillCompletesEveryItem()
    {
        var (blocking, awaiting, before, after) = await Scheduling.PoolStarvationAsync(Environment.ProcessorCount + 2, TimeSpan.FromMilliseconds(10), Limit);
        Assert.True(blocking > TimeSpan.Zero && awaiting > TimeSpan.Zero);
        Assert.True(before > 0 && after > 0);
    }
}

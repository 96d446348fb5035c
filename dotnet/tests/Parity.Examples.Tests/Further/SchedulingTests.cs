using Parity.Examples.Further;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Further;

public sealed class SchedulingTests
{
    [Fact]
    public async Task Pair_ExclusiveQueuedWhileConcurrentRuns_RunsAloneAfterIt()
    {
        var log = await Scheduling.PairOrderAsync(TimeSpan.FromMilliseconds(300), Timeouts.Short);
        var e = log.IndexOf("E+");
        Assert.True(log.IndexOf("A-") < e, string.Join(" ", log));
        Assert.Equal("E-", log[e + 1]); // nothing ran while E did
        Assert.Equal(6, log.Count);
    }

    [Fact]
    public async Task ConcurrentScheduler_MaxTwoOverAThreadPerTask_RunsAtMostTwoAtOnce()
    {
        // Under the pair, every queued task gets a thread at once: only the pair's limit holds them back.
        var underlying = new ThreadPerTaskScheduler();
        Assert.Equal(2, await Scheduling.PeakOnLimitedSchedulerAsync(2, 8, TimeSpan.FromMilliseconds(300), Timeouts.Short, underlying));
        Assert.Equal(8, await Scheduling.PeakOnLimitedSchedulerAsync(8, 8, TimeSpan.Zero, Timeouts.Short, underlying)); // the scheduler could run all eight
    }

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
        var (blocked, awaited) = await Scheduling.OneSlotAsync(TimeSpan.FromMilliseconds(200), Timeouts.Short);
        Assert.False(blocked);
        Assert.True(awaited);
    }
}

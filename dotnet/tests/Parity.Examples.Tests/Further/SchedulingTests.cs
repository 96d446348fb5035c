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
        // Decided by structure, not by the wait above: the pair queues a worker to the scheduler
        // under it only while fewer than maxConcurrencyLevel run, and a worker leaves only once
        // the queue is empty (ProcessAsyncIfNecessary, ConcurrentExclusiveSchedulerPair.cs in
        // dotnet/runtime). All eight items were queued before the first could finish: two
        // workers took them in turn, and no third thread was ever asked for.
        Assert.Equal(2, underlying.EverQueued);
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
        // Decided by order, not by the wait: with its one slot held, the inner task runs only
        // after the outer one gave up, however long it waited. Awaiting gives the slot back.
        Assert.Equal(
            ["outer gave up", "inner ran"],
            await Scheduling.QueueBehindAsync(1, block: true, TimeSpan.Zero, Timeouts.Short));
        Assert.Equal(
            ["inner ran", "outer resumed"],
            await Scheduling.QueueBehindAsync(1, block: false, Timeouts.Short, Timeouts.Short));
    }

    [Fact]
    public async Task TwoSlotScheduler_BlockingOnATaskQueuedBehind_RunsItWhileItWaits()
    {
        // The control: the same check fails when the scheduler has a slot to spare.
        Assert.Equal(
            ["inner ran", "outer's wait returned"],
            await Scheduling.QueueBehindAsync(2, block: true, Timeouts.Short, Timeouts.Short));
    }
}

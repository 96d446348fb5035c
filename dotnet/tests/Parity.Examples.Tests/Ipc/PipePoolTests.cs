using Parity.Examples.Infrastructure;
using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

public sealed class PipePoolTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2) * Ctx.TestTimeScale;

    [Fact]
    public async Task ConverseBlocking_TwoWorkers_BothHearEachOther()
    {
        var (heardByAsker, heardByAnswerer) = await PipePool.ConverseBlockingAsync(2, Timeouts.Short, CancellationToken.None);
        Assert.Equal(PipePool.Decline, heardByAsker);
        Assert.Equal(PipePool.Invite, heardByAnswerer);
    }

    [Fact]
    public async Task ConverseBlocking_OneWorker_DeadlocksUntilTheTimeout()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => PipePool.ConverseBlockingAsync(1, Wait, CancellationToken.None));
    }

    [Fact]
    public async Task ConverseBlocking_OneWorker_TheAnswererNeverStarts()
    {
        // The same deadlock seen from inside: the invitation is sent, and nobody takes it.
        var pool = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ConcurrentScheduler;
        using var stop = new CancellationTokenSource();
        var (end1, end2) = PipePool.LineEnd.CreatePair();
        var answererStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Factory.StartNew(() => PipePool.Asker(end1, stop.Token), stop.Token, TaskCreationOptions.None, pool);
        var second = Task.Factory.StartNew(() => { answererStarted.SetResult(); return PipePool.Answerer(end2, stop.Token); }, stop.Token, TaskCreationOptions.None, pool);

        await Assert.ThrowsAsync<TimeoutException>(() => first.WaitAsync(Wait));
        Assert.False(answererStarted.Task.IsCompleted);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Timeouts.Short));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Timeouts.Short));
        Assert.False(answererStarted.Task.IsCompleted);
    }

    [Fact]
    public async Task ConverseAsync_OneWorker_CompletesBecauseAwaitFreesTheWorker()
    {
        var (heardByAsker, heardByAnswerer) = await PipePool.ConverseAsync(1, Timeouts.Short, CancellationToken.None);
        Assert.Equal(PipePool.Decline, heardByAsker);
        Assert.Equal(PipePool.Invite, heardByAnswerer);
    }
}

using Parity.Examples.Infrastructure;
using Parity.Examples.Plinq;

namespace Parity.Examples.Tests.Plinq;

// Alone: these queries keep every core and every pool thread busy until cancelled, which would
// delay the timers and continuations of whatever ran beside them.
[Collection(nameof(Sequential))]
public sealed class CancellationTests
{
    [Fact]
    public async Task LongQuery_TokenCancelled_ThrowsOperationCanceledWellBeforeTheEnd()
    {
        // The whole query would take minutes (int.MaxValue elements of a few microseconds each);
        // CancelAfterAsync waits at most Timeouts.Long for it, so an OperationCanceledException
        // here means the token ended it, long before its end.
        var outcome = await Cancellation.CancelAfterAsync(TimeSpan.FromSeconds(3 * Ctx.TestTimeScale));
        Assert.IsType<OperationCanceledException>(outcome.Error);
        Assert.Equal("The query has been canceled via the token supplied to WithCancellation.", outcome.Error.Message);
        Assert.True(outcome.TokenFired > TimeSpan.Zero);
    }

    [Fact]
    public async Task CancelAfter_OurWaitGivesUpFirst_CancelsTheQueryBeforeReturning()
    {
        // The token would fire only after Timeouts.Long; the wait gives up after 50 ms. Before the
        // fix the query went on burning every core after the TimeoutException; now no element runs
        // once CancelAfterAsync has returned.
        var returned = 0;
        var elementAfterReturn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnElement()
        {
            if (Volatile.Read(ref returned) == 1)
            {
                elementAfterReturn.TrySetResult();
            }
        }
        await Assert.ThrowsAsync<TimeoutException>(() =>
            Cancellation.CancelAfterAsync(Timeouts.Long, patience: TimeSpan.FromMilliseconds(50), onElement: OnElement));
        Volatile.Write(ref returned, 1);
        // A running query calls OnElement thousands of times a second; a stopped one never again.
        await Assert.ThrowsAsync<TimeoutException>(() => elementAfterReturn.Task.WaitAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void LongQuery_TokenAlreadyCancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var processed = 0;
        Assert.Throws<OperationCanceledException>(() => Cancellation.LongQuery(cts.Token, () => Interlocked.Increment(ref processed)));
        Assert.InRange(processed, 0, 10_000);
    }

    [Fact]
    public async Task ElementsProcessedAfterTimeout_NoCancellation_TheQueryKeepsRunning()
    {
        var more = await Cancellation.ElementsProcessedAfterTimeoutAsync(TimeSpan.FromSeconds(Ctx.TestTimeScale));
        Assert.True(more > 1_000, $"only {more} elements after the timeout");
    }

    [Fact]
    public async Task RunAsync_Always_ReportsTheCancellation()
    {
        var text = await Ctx.RunAsync(Cancellation.RunAsync);
        Assert.Contains("OperationCanceledException: The query has been canceled", text, StringComparison.Ordinal);
        Assert.Contains("token fired at", text, StringComparison.Ordinal);
        Assert.Contains("more than 1000 elements after the timeout", text, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Parity.Examples.Plinq;

namespace Parity.Examples.Tests.Plinq;

public sealed class CancellationTests
{
    [Fact]
    public async Task LongQuery_TokenCancelled_ThrowsOperationCanceledWellBeforeTheEnd()
    {
        var watch = Stopwatch.StartNew();
        var outcome = await Cancellation.CancelAfterAsync(TimeSpan.FromSeconds(3 * Ctx.TestTimeScale));
        Assert.IsType<OperationCanceledException>(outcome.Error);
        Assert.Equal("The query has been canceled via the token supplied to WithCancellation.", outcome.Error.Message);
        Assert.True(outcome.TokenFired > TimeSpan.Zero);
        // The whole query would take minutes (int.MaxValue elements of a few microseconds each).
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
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
        var ctx = Ctx.Create(out var output);
        await Cancellation.RunAsync(ctx);
        Assert.Contains("OperationCanceledException: The query has been canceled", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("token fired at", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("more than 1000 elements after the timeout", output.ToString(), StringComparison.Ordinal);
    }
}

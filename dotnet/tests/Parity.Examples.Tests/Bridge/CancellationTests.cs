using Parity.Examples.Bridge;

namespace Parity.Examples.Tests.Bridge;

public sealed class CancellationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_AtTestScale_FinishesTheShortWorkAndCancelsTheLongOne()
    {
        var ctx = Ctx.Create(out var output);
        await Cancellation.RunAsync(ctx).WaitAsync(Limit);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["5 steps, timeout after 10 s: all 5 steps done", "100 steps, CancelAfter 0.5 s: cancelled"], lines);
    }

    [Fact]
    public async Task RunAsync_HostCancels_ThrowsOperationCanceled()
    {
        using var host = new CancellationTokenSource();
        var ctx = Ctx.Create(out _, timeScale: 100, cancellationToken: host.Token);
        var run = Cancellation.RunAsync(ctx);
        await host.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Limit));
    }
}

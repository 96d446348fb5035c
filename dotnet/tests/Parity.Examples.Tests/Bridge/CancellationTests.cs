using Parity.Examples.Bridge;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Bridge;

public sealed class CancellationTests
{

    [Fact]
    public async Task RunAsync_AtTestScale_FinishesTheShortWorkAndCancelsTheLongOne()
    {
        var output = await Ctx.RunAsync(Cancellation.RunAsync).WaitAsync(Timeouts.Short);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["5 steps, timeout after 10 s: all 5 steps done", "100 steps, CancelAfter 0.5 s: cancelled"], lines);
    }

    [Fact]
    public async Task RunAsync_HostCancels_ThrowsOperationCanceled()
    {
        using var host = new CancellationTokenSource();
        var ctx = Ctx.Create(out _, timeScale: 100, cancellationToken: host.Token);
        var run = Cancellation.RunAsync(ctx);
        await host.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Timeouts.Short));
    }
}

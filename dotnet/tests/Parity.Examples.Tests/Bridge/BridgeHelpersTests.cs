using Parity.Examples.Bridge;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Bridge;

/// <summary>The C# half of the bridge concepts, tested on its own (Python calls these methods).</summary>
public sealed class BridgeHelpersTests
{

    [Fact]
    public void PlinqDataSum_Numbers_EqualsClosedForm()
    {
        long[] values = [.. Enumerable.Range(0, 1000).Select(i => (long)i)];
        Assert.Equal(499_500L, PlinqData.Sum(values));
        Assert.Equal(values.Sum(v => v * v), PlinqData.SumOfSquares(values));
    }

    [Fact]
    public void DelegatesApplyAndRepeat_Lambdas_AreCalled()
    {
        Assert.Equal(49L, Delegates.Apply(x => x * x, 7));
        var seen = new List<int>();
        Delegates.Repeat(3, seen.Add);
        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public async Task DelegatesCrunchAsync_WithProgress_ReportsEveryStepAndSums()
    {
        var reports = new List<int>();
        var progress = new Recorder(reports);
        var total = await Delegates.CrunchAsync(1000, 4, TimeSpan.Zero, progress).WaitAsync(Timeouts.Short);
        Assert.Equal(499_500L, total);
        Assert.Equal([1, 2, 3, 4], reports);
    }

    [Fact]
    public async Task CancellationStepsAsync_TokenCancelledAfter_ThrowsTaskCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Cancellation.StepsAsync(1000, TimeSpan.FromMilliseconds(20), cts.Token).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task AwaitTaskFailLaterAsync_Message_ThrowsInvalidOperation()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => AwaitTask.FailLaterAsync("no luck", TimeSpan.Zero).WaitAsync(Timeouts.Short));
        Assert.Equal("no luck", ex.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => AwaitTask.GiveUpAfterAsync(TimeSpan.FromMilliseconds(10)).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public void GilBusyAllCores_ShortDuration_Spins() =>
        Assert.True(Gil.BusyAllCores(TimeSpan.FromMilliseconds(20)) > 0);

    private sealed class Recorder(List<int> reports) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}

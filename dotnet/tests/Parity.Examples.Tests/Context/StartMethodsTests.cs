using Parity.Examples.Context;

namespace Parity.Examples.Tests.Context;

public sealed class StartMethodsTests
{
    [Fact]
    public async Task EveryUnit_RunsTheWork_AndGivesTheSameAnswer()
    {
        var timings = await StartMethods.MeasureAsync(processRuns: 1, inProcessRuns: 3, CancellationToken.None);

        Assert.Equal(3, timings.Count);
        Assert.All(timings, t => Assert.Equal("hello", t.Answer));
    }

    [Fact]
    public async Task RunAsync_ReportsEveryUnit()
    {
        var text = await Ctx.RunAsync(StartMethods.RunAsync);
        Assert.Contains("process (a fresh runtime, like spawn)", text, StringComparison.Ordinal);
        Assert.Contains("  thread", text, StringComparison.Ordinal);
        Assert.Contains("task (thread pool)", text, StringComparison.Ordinal);
    }
}

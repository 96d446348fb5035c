using Parity.Examples.Pool;

namespace Parity.Examples.Tests.Pool;

public sealed class InitializerTests
{
    [Fact]
    public async Task Converse_TwoTasksTwoChannels_EachHearsTheOther()
    {
        var (heardByZhang, heardByMing) = await Initializer.ConverseAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.Equal(Initializer.Question, heardByZhang);
        Assert.Equal(Initializer.Answer, heardByMing);
    }

    [Fact]
    public void LocalInit_TwoWorkersAtMost_RunsOncePerWorkerNotPerItem()
    {
        var (sum, initializations) = Initializer.SumWithPerWorkerState(10_000, 2);
        Assert.Equal(10_000L * 9_999 / 2, sum);
        Assert.InRange(initializations, 1, 100); // per worker task (they may be recycled), never per item
    }

    [Fact]
    public async Task Run_PrintsTheConversation()
    {
        var text = await Ctx.RunAsync(Initializer.RunAsync);
        Assert.Contains(Initializer.Question, text, StringComparison.Ordinal);
        Assert.Contains(Initializer.Answer, text, StringComparison.Ordinal);
        Assert.Contains("sum 499500", text, StringComparison.Ordinal);
    }
}

using Parity.Examples.Shared;

namespace Parity.Examples.Tests.Shared;

public sealed class ManagerTests
{
    private static readonly object[] WrittenKeys = [1, "2", 0.25];
    private static readonly int[] Initial = [.. Enumerable.Range(0, 10)];
    private static readonly int[] Reversed = [.. Enumerable.Range(0, 10).Reverse()];
    internal const int Many = 20_000;
    private static int Ideal(int iterations) => Manager.StartYear + (Manager.Workers * iterations);

    [Fact]
    public async Task AsTheArticle_ReaderStartedWithWriter_SeesAPrefixOfTheWrites()
    {
        var (seen, final) = await Manager.AsTheArticleAsync();

        Assert.Equal(WrittenKeys.Take(seen.Dict.Count), seen.Dict.Select(kv => kv.Key));
        Assert.True(seen.List.SequenceEqual(Initial) || seen.List.SequenceEqual(Reversed));
        if (seen.List.SequenceEqual(Reversed))
        {
            Assert.Equal(3, seen.Dict.Count);
        }
        Assert.Equal(WrittenKeys, final.Dict.Select(kv => kv.Key));
        Assert.Equal(Reversed, final.List);
    }

    [Fact]
    public async Task ReaderFirst_WriterWaitsForReader_ReaderSeesNothingWritten()
    {
        var seen = await Manager.ReaderFirstAsync();
        Assert.Empty(seen.Dict);
        Assert.Equal(Initial, seen.List);
    }

    [Fact]
    public async Task InOrder_WriterAwaitedFirst_ReaderSeesEverything()
    {
        var seen = await Manager.InOrderAsync();
        Assert.Equal(WrittenKeys, seen.Dict.Select(kv => kv.Key));
        Assert.Equal([KeyValuePair.Create<object, object?>(1, "1"), KeyValuePair.Create<object, object?>("2", 2), KeyValuePair.Create<object, object?>(0.25, null)], seen.Dict);
        Assert.Equal(Reversed, seen.List);
    }

    [Theory]
    [InlineData(Manager.How.DictionaryUnlocked)]
    [InlineData(Manager.How.ConcurrentIndexer)]
    public void Years_GetThenSetWithoutLock_NeverExceedsTheIdeal(Manager.How how)
    {
        Assert.InRange(Manager.Years(how, iterations: Many), Manager.StartYear + 1, Ideal(Many));
    }

    [Theory]
    [InlineData(Manager.How.DictionaryLocked)]
    [InlineData(Manager.How.ConcurrentAddOrUpdate)]
    public void Years_LockOrAddOrUpdate_IsExact(Manager.How how)
    {
        Assert.Equal(Ideal(Many), Manager.Years(how, iterations: Many));
    }

    [Fact]
    public async Task Run_PrintsAllVariants()
    {
        var text = await Ctx.RunAsync(Manager.RunAsync);
        Assert.Contains("[reader first] reader saw {} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", text, StringComparison.Ordinal);
        Assert.Contains("ConcurrentAddOrUpdate: 2500", text, StringComparison.Ordinal);
    }

    [Fact]
    public void YearStepByStep_GetPauseSetWithoutLock_AddsOneYearOfTwo()
    {
        var (added, otherReadDuringPause) = Manager.YearStepByStep(locked: false);
        Assert.True(otherReadDuringPause); // B got the year A had got and not yet set ...
        Assert.Equal(1, added); // ... so two += 1 added one year
    }

    [Fact]
    public void YearStepByStep_LockAroundGetAndSet_AddsBothYears()
    {
        var (added, otherReadDuringPause) = Manager.YearStepByStep(locked: true);
        Assert.False(otherReadDuringPause);
        Assert.Equal(2, added);
    }
}

using Parity.Examples.Plinq;

namespace Parity.Examples.Tests.Plinq;

public sealed class SelectTests
{
    private static readonly int[] SquaresInSourceOrder = [1, 4, 9, 16, 25, 49, 64, 81];

    // The order the article printed as the "normal" (sequential) result.
    private static readonly int[] ArticlesNormalOutput = [1, 4, 9, 25, 64, 16, 49, 81];

    [Fact]
    public void Sequential_ArticleList_YieldsSquaresInSourceOrderNotTheArticlesOrder()
    {
        var result = Select.Sequential(Select.ArticleList).ToArray();
        Assert.Equal(SquaresInSourceOrder, result);
        Assert.NotEqual(ArticlesNormalOutput, result);
    }

    [Fact]
    public void Unordered_ManyNumbers_IsAPermutationOfTheSquares()
    {
        var source = Enumerable.Range(-5_000, 20_000).ToArray();
        var result = Select.Unordered(source).ToArray();
        // Same multiset: sorting both sides compares counts of every value, duplicates included.
        Assert.Equal(source.Select(x => x * x).Order(), result.Order());
        Assert.Equal(SquaresInSourceOrder.Order(), Select.Unordered(Select.ArticleList).Order());
    }

    [Fact]
    public void Ordered_ManyNumbers_EqualsTheSequenceExactly()
    {
        var source = Enumerable.Range(-5_000, 20_000).ToArray();
        Assert.Equal(source.Select(x => x * x), Select.Ordered(source));
        Assert.Equal(SquaresInSourceOrder, Select.Ordered(Select.ArticleList));
    }

    [Fact]
    public async Task RunAsync_Always_PrintsTheThreeResults()
    {
        var text = await Ctx.RunAsync(Select.RunAsync);
        Assert.Contains("Select (sequential): 1, 4, 9, 16, 25, 49, 64, 81", text, StringComparison.Ordinal);
        Assert.Contains("... .AsOrdered():    1, 4, 9, 16, 25, 49, 64, 81", text, StringComparison.Ordinal);
        Assert.Contains("AsOrdered equals the sequential result: True", text, StringComparison.Ordinal);
    }
}

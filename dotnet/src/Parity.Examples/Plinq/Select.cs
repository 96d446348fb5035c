using Parity.Examples.Infrastructure;

namespace Parity.Examples.Plinq;

/// <summary>
/// plinq.select: AsParallel().Select squares the numbers on several threads and hands them back
/// in whatever order the partitions finish; AsOrdered() restores the source order. Plain LINQ
/// Select is lazy and sequential, so it always yields the source order.
/// </summary>
[Concept("plinq.select")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The class is named after the LINQ operator it shows; it is not consumed from VB.")]
public static class Select
{
    /// <summary>The article's list (it has no 6).</summary>
    public static IReadOnlyList<int> ArticleList { get; } = [1, 2, 3, 4, 5, 7, 8, 9];

    // <select>
    public static IEnumerable<int> Sequential(IEnumerable<int> source) => source.Select(x => x * x);

    /// <summary>No order is promised: the same squares, possibly shuffled.</summary>
    public static IEnumerable<int> Unordered(IEnumerable<int> source) =>
        source.AsParallel().Select(x => x * x);

    /// <summary>AsOrdered: still parallel, but results come back in source order (at a cost:
    /// buffering).</summary>
    public static IEnumerable<int> Ordered(IEnumerable<int> source) =>
        source.AsParallel().AsOrdered().Select(x => x * x);
    // </select>

    // <run>
    public static Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"source:              {string.Join(", ", ArticleList)}");
        ctx.Out.WriteLine($"Select (sequential): {string.Join(", ", Sequential(ArticleList))}");
        ctx.Out.WriteLine($"AsParallel().Select: {string.Join(", ", Unordered(ArticleList))}");
        ctx.Out.WriteLine($"... .AsOrdered():    {string.Join(", ", Ordered(ArticleList))}");

        // One run may happen to come back in order; over many runs of a bigger input it rarely does.
        var big = Enumerable.Range(1, 10_000).ToArray();
        var expected = Sequential(big).ToArray();
        var shuffled = 0;
        const int Runs = 20;
        for (var run = 0; run < Runs; run++)
        {
            ctx.CancellationToken.ThrowIfCancellationRequested();
            if (!Unordered(big).SequenceEqual(expected))
            {
                shuffled++;
            }
        }
        ctx.Out.WriteLine(
            $"1..10000 unordered: {shuffled} of {Runs} runs came back out of source order");
        var same = Ordered(big).SequenceEqual(expected);
        ctx.Out.WriteLine($"1..10000 AsOrdered equals the sequential result: {same}");
        return Task.CompletedTask;
    }
    // </run>
}

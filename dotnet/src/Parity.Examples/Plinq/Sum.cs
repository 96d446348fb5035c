using Parity.Examples.Infrastructure;

namespace Parity.Examples.Plinq;

/// <summary>
/// plinq.sum: the sum of 0..999,999 sequentially and with PLINQ. The long[] overloads are what
/// the Python bridge calls: a .NET array crosses the boundary once, the loop runs in .NET.
/// </summary>
[Concept("plinq.sum")]
public static class Sum
{
    public const long Count = 1_000_000;

    // <sum>
    public static long Sequential(long[] values) => values.Sum();

    public static long Parallel(long[] values) => values.AsParallel().Sum();

    /// <summary>0..count-1, summed in parallel without materialising a list.</summary>
    public static long ParallelRange(long count) =>
        ParallelEnumerable.Range(0, checked((int)count)).Select(i => (long)i).Sum();

    public static long[] Numbers(long count) => [.. Enumerable.Range(0, checked((int)count)).Select(i => (long)i)];
    // </sum>

    // <run>
    public static Task RunAsync(ConceptContext ctx)
    {
        var numbers = Numbers(Count);
        ctx.Out.WriteLine($"sequential: {Sequential(numbers)}");
        ctx.Out.WriteLine($"parallel:   {Parallel(numbers)}");
        ctx.Out.WriteLine($"closed form n(n-1)/2: {Count * (Count - 1) / 2}");
        return Task.CompletedTask;
    }
    // </run>
}

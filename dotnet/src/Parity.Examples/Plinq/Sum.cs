using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Plinq;

/// <summary>
/// plinq.sum: the sum of 0..999,999 sequentially and with PLINQ. The long[] overloads are what
/// the Python bridge calls: a .NET array crosses the boundary once, the loop runs in .NET.
/// The timing is measured in-process (warm-up, then the median of several runs): timing the
/// whole program, as `time dotnet PLINQ.dll` does, measures the runtime's start-up instead.
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

    public static long[] Numbers(long count) =>
        [.. Enumerable.Range(0, checked((int)count)).Select(i => (long)i)];
    // </sum>
    // <long-items>
    /// <summary>Two long work items, each waiting at a barrier for the other, both pass only if
    /// PLINQ runs them at the same time: long items are not a problem for parallelism.</summary>
    public static bool LongItemsOverlap(TimeSpan timeout)
    {
        using var barrier = new Barrier(2);
        return ParallelEnumerable.Range(0, 2)
            .WithDegreeOfParallelism(2)
            .WithExecutionMode(ParallelExecutionMode.ForceParallelism)
            .Select(_ => barrier.SignalAndWait(timeout))
            .ToArray()
            .All(passed => passed);
    }
    // </long-items>
    // <timing>
    /// <summary>One warm-up run (JIT, thread pool), then the median of `runs` timed runs.</summary>
    public static TimeSpan MedianTime(Func<long> sum, int runs = 9)
    {
        ArgumentNullException.ThrowIfNull(sum);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        _ = sum();
        return Timing.Median(Enumerable.Range(0, runs).Select(_ => Timing.Time(() => sum())));
    }
    // </timing>
    // <run>
    public static Task RunAsync(ConceptContext ctx)
    {
        var numbers = Numbers(Count);
        ctx.Out.WriteLine($"sequential: {Sequential(numbers)}");
        ctx.Out.WriteLine($"parallel:   {Parallel(numbers)}");
        ctx.Out.WriteLine($"closed form n(n-1)/2: {Count * (Count - 1) / 2}");

        var sequential = MedianTime(() => Sequential(numbers));
        var parallel = MedianTime(() => Parallel(numbers));
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of 9 in-process runs: sequential {sequential.TotalMilliseconds:0.000} ms, "
            + $"parallel {parallel.TotalMilliseconds:0.000} ms ({Environment.ProcessorCount} cores)"));
        return Task.CompletedTask;
    }
    // </run>
}

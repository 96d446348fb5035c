using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Plinq;

/// <summary>
/// plinq.aggregate: Aggregate on a ParallelQuery. The seed-and-func overload keeps sequential
/// semantics (PLINQ runs the query in parallel but folds on one thread), so any seed and any func
/// work. The four-function overload really folds each partition in parallel: its seed VALUE is
/// used once per partition, so it must be an identity and must not be a shared mutable object;
/// the seedFactory overload gives every partition its own fresh accumulator.
/// </summary>
[Concept("plinq.aggregate")]
public static class Aggregate
{
    public static long[] Numbers(int count) => [.. Enumerable.Range(1, count).Select(i => (long)i)];

    // <article-form>
    /// <summary>
    /// The article's literal call, in our names: an int seed (0) over a List of longs. It does not
    /// compile: the accumulator type is fixed from the seed as int before the lambda is read, and
    /// sum + item is a long (CS0266, CS1662). A test compiles this text with Roslyn.
    /// </summary>
    public const string ArticleForm = """
        static long SumAll(List<long> list) =>
            list.AsParallel().Aggregate(seed: 0, func: (sum, item) => sum + item);
        """;

    /// <summary>The fix: a long seed (0L), so the accumulator is a long.</summary>
    public static long SumAll(List<long> list) =>
        list.AsParallel().Aggregate(seed: 0L, func: (sum, item) => sum + item);
    // </article-form>

    // <aggregate>
    /// <summary>Seed + func with a long seed. Sequential semantics: the seed counts once.</summary>
    public static long SeedAndFunc(long[] values, long seed) =>
        values.AsParallel().Aggregate(seed, (total, x) => total + x);

    /// <summary>Pitfall: the per-partition overload with a seed that is not the identity.</summary>
    public static long SeedPerPartition(long[] values, long seed, int partitions) =>
        values.AsParallel().WithDegreeOfParallelism(partitions).Aggregate(
            seed,                               // copied into EVERY partition
            (total, x) => total + x,            // folds one partition
            (left, right) => left + right,      // combines partition totals
            total => total);

    /// <summary>Correct in parallel: the identity per partition, the real seed applied once at
    /// the end.</summary>
    public static long SeedFactory(long[] values, long seed, int partitions) =>
        values.AsParallel().WithDegreeOfParallelism(partitions).Aggregate(
            () => 0L,
            (total, x) => total + x,
            (left, right) => left + right,
            total => total + seed);

    /// <summary>A func that is not associative (subtraction) answers otherwise in parallel.</summary>
    public static long SubtractInParallel(long[] values, int partitions) =>
        values.AsParallel().WithDegreeOfParallelism(partitions)
            .Aggregate((left, right) => left - right);
    // </aggregate>

    // <shared-seed>
    /// <summary>
    /// A List seed passed by value to the parallel overload: every partition receives the SAME list.
    /// Returns how many distinct accumulator objects the partitions used (1 = shared).
    /// </summary>
    public static int DistinctAccumulators(long[] values, int partitions, bool useFactory)
    {
        var seen = new ConcurrentDictionary<List<long>, byte>(ReferenceEqualityComparer.Instance);
        List<long> Add(List<long> list, long x)
        {
            seen.TryAdd(list, 0);
            lock (list) // the lock hides the data race so we can count the sharing itself
            {
                list.Add(x);
            }
            return list;
        }
        static List<long> Combine(List<long> left, List<long> right)
        {
            if (!ReferenceEquals(left, right))
            {
                left.AddRange(right);
            }
            return left;
        }
        var query = values.AsParallel().WithDegreeOfParallelism(partitions);
        _ = useFactory
            ? query.Aggregate(() => new List<long>(), Add, Combine, list => list)
            : query.Aggregate(new List<long>(), Add, Combine, list => list);
        return seen.Count;
    }

    /// <summary>The same shared List without a lock: a data race (lost items, or a throw).</summary>
    public static string SharedListRace(long[] values, int partitions)
    {
        try
        {
            var list = values.AsParallel().WithDegreeOfParallelism(partitions).Aggregate(
                new List<long>(),
                (acc, x) => { acc.Add(x); return acc; },
                (left, right) => ReferenceEquals(left, right) ? left : [.. left, .. right],
                acc => acc);
            return $"{list.Count} items collected of {values.Length}";
        }
        catch (AggregateException ex)
        {
            return $"{ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}";
        }
    }
    // </shared-seed>

    // <run>
    public static Task RunAsync(ConceptContext ctx)
    {
        var values = Numbers(100_000);
        var sum = values.Sum();
        const long Seed = 1;
        const int Partitions = 4;
        ctx.Out.WriteLine($"sum of 1..{values.Length}:                  {sum}");
        ctx.Out.WriteLine($"Aggregate(seed: 0L, func) over a List<long>: {SumAll([.. values])}");
        var once = SeedAndFunc(values, Seed);
        var perPartition = SeedPerPartition(values, Seed, Partitions);
        ctx.Out.WriteLine($"Aggregate(seed 1, func):            {once} (seed counted once)");
        ctx.Out.WriteLine(
            $"Aggregate(seed 1, update, combine): {perPartition} (seed counted once per partition)");
        var factory = SeedFactory(values, Seed, Partitions);
        ctx.Out.WriteLine($"Aggregate(seedFactory 0, ..., +1):  {factory}");
        var inOrder = values.Aggregate((l, r) => l - r);
        var inParallel = SubtractInParallel(values, Partitions);
        ctx.Out.WriteLine($"subtraction: sequential {inOrder}, parallel {inParallel}");
        var shared = DistinctAccumulators(values, Partitions, useFactory: false);
        var own = DistinctAccumulators(values, Partitions, useFactory: true);
        ctx.Out.WriteLine($"List seed value: {shared} list shared by {Partitions} partitions; "
            + $"seedFactory: {own} lists");
        ctx.Out.WriteLine($"shared List without a lock: {SharedListRace(values, Partitions)}");
        return Task.CompletedTask;
    }
    // </run>
}

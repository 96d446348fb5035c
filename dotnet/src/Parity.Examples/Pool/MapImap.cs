using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.map-imap: PLINQ plays Pool.map and imap. AsOrdered() keeps input order (map, imap);
/// without it results come in whatever order the threads produce them (imap_unordered).
/// ToList() is map: it waits for everything. Enumerating the query is imap; with
/// ParallelMergeOptions.NotBuffered each result is handed over as soon as it may be.
/// Unlike imap, a PLINQ query is lazy all the way: nothing runs until it is enumerated.
/// </summary>
[Concept("pool.map-imap")]
public static class MapImap
{
    public static int Square(int x) => x * x;

    // <map>
    /// <summary>map: every result, in input order, once all are done.</summary>
    public static List<int> Map(IEnumerable<int> source, Func<int, int> selector) =>
        source.AsParallel().AsOrdered().WithDegreeOfParallelism(4).Select(selector).ToList();

    /// <summary>
    /// imap (ordered) or imap_unordered: results streamed as they become available.
    /// </summary>
    public static ParallelQuery<int> Imap(
        IEnumerable<int> source,
        Func<int, int> selector,
        bool ordered)
    {
        var query = source.AsParallel();
        if (ordered)
        {
            query = query.AsOrdered();
        }
        return query
            .WithDegreeOfParallelism(4)
            .WithMergeOptions(ParallelMergeOptions.NotBuffered)
            .Select(selector);
    }
    // </map>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var numbers = Enumerable.Range(0, 10).ToArray();
        ctx.Out.WriteLine($"single:         {await Task.Run(() => Square(10), ctx.CancellationToken)}");
        ctx.Out.WriteLine($"map:            [{string.Join(", ", Map(numbers, Square))}]");
        var imap = Imap(numbers, Square, ordered: true).WithCancellation(ctx.CancellationToken);
        ctx.Out.WriteLine($"imap type:      {imap.GetType().Name}");
        using (var results = imap.GetEnumerator())
        {
            results.MoveNext();
            ctx.Out.WriteLine($"imap first:     {results.Current}");
            var rest = new List<int>();
            while (results.MoveNext())
            {
                rest.Add(results.Current);
            }
            ctx.Out.WriteLine($"imap rest:      [{string.Join(", ", rest)}]");
        }
        ctx.Out.WriteLine($"imap_unordered: [{string.Join(", ", Imap(numbers, Square, ordered: false).WithCancellation(ctx.CancellationToken))}]");
    }
}

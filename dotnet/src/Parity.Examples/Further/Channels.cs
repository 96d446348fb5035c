using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.channels: System.Threading.Channels, an async producer/consumer queue. A write to a full
/// bounded channel waits (the default: back-pressure), drops the oldest item, drops the newest item
/// already inside, or drops itself. Complete() ends every ReadAllAsync once the channel is drained.
/// Only the queue: Dataflow's parallel stages, ordering, linking and faults are yours to write.
/// </summary>
[Concept("further.channels")]
public static class Channels
{
    // <full-modes>
    /// <summary>Writes 1..count into a channel nobody reads yet, then drains it.</summary>
    public static async Task<(List<int> Kept, List<int> Dropped, List<int> Refused)> FillAsync(
        BoundedChannelFullMode mode, int capacity, int count)
    {
        var dropped = new List<int>();
        var channel = Channel.CreateBounded<int>(
            new BoundedChannelOptions(capacity) { FullMode = mode }, dropped.Add);
        // With Wait, TryWrite answers false when full (WriteAsync would wait); Drop modes accept.
        var refused = Enumerable.Range(1, count).Where(i => !channel.Writer.TryWrite(i)).ToList();
        channel.Writer.Complete();
        var kept = await channel.Reader.ReadAllAsync().ToListAsync().ConfigureAwait(false);
        return (kept, dropped, refused);
    }
    // </full-modes>
    // <producers-consumers>
    /// <summary>Producers and consumers share a bounded channel; what each consumer took.</summary>
    public static async Task<List<int>[]> ShareAsync(int producers, int itemsEach, int consumers,
        int capacity, CancellationToken token = default)
    {
        var channel = Channel.CreateBounded<int>(capacity); // any number of readers and writers
        var readers = Enumerable.Range(0, consumers)
            .Select(_ => channel.Reader.ReadAllAsync(token).ToListAsync(token).AsTask()).ToArray();
        var writers = Enumerable.Range(0, producers).Select(async p =>
        {
            foreach (var item in Enumerable.Range(p * itemsEach, itemsEach))
            {
                await channel.Writer.WriteAsync(item, token).ConfigureAwait(false); // waits if full
            }
        }).ToArray();
        await Task.WhenAll(writers).ConfigureAwait(false);
        channel.Writer.Complete(); // readers end once the channel is empty
        return await Task.WhenAll(readers).ConfigureAwait(false);
    }
    // </producers-consumers>
    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var mode in Enum.GetValues<BoundedChannelFullMode>())
        {
            var (kept, dropped, refused) = await FillAsync(mode, capacity: 3, count: 5)
                .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine($"capacity 3, write 1..5, {mode,-10}: "
                + $"kept [{string.Join(", ", kept)}], dropped [{string.Join(", ", dropped)}], "
                + $"TryWrite refused [{string.Join(", ", refused)}]");
        }
        var taken = await ShareAsync(
                producers: 3, itemsEach: 100, consumers: 2, capacity: 4, ctx.CancellationToken)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        var all = taken.SelectMany(t => t).ToList();
        var once = all.Order().SequenceEqual(Enumerable.Range(0, 300));
        ctx.Out.WriteLine($"3 producers x 100 items, 2 consumers: {all.Count} taken, "
            + $"{all.Distinct().Count()} distinct, every item once: {once}");
    }
    // </run>
}

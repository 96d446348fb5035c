using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.channels: System.Threading.Channels, an async producer/consumer queue. A bounded
/// channel decides what happens to a write when it is full: wait (the default: back-pressure),
/// drop the oldest item, drop the newest item already inside, or drop the item being written.
/// Several producers and consumers share one channel; Complete() ends ReadAllAsync once the
/// channel is drained. A channel is only the queue: parallel stages, ordering, linking and fault
/// propagation, which Dataflow gives, are written by hand.
/// </summary>
[Concept("further.channels")]
public static class Channels
{
    // <full-modes>
    /// <summary>Writes 1..count into a channel of <paramref name="capacity"/> nobody reads yet,
    /// then drains it.</summary>
    public static async Task<(List<int> Kept, List<int> Dropped, List<int> Refused)> FillAsync(
        BoundedChannelFullMode mode, int capacity, int count)
    {
        var dropped = new List<int>();
        var channel = Channel.CreateBounded<int>(
            new BoundedChannelOptions(capacity) { FullMode = mode }, dropped.Add);
        var refused = new List<int>();
        for (var i = 1; i <= count; i++)
        {
            // With Wait, TryWrite answers false when full (WriteAsync would wait); the Drop modes
            // always accept.
            if (!channel.Writer.TryWrite(i))
            {
                refused.Add(i);
            }
        }
        channel.Writer.Complete();
        var kept = new List<int>();
        await foreach (var item in channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            kept.Add(item);
        }
        return (kept, dropped, refused);
    }
    // </full-modes>

    // <producers-consumers>
    /// <summary>Several producers, several consumers, one bounded channel; returns what each
    /// consumer took.</summary>
    public static async Task<List<int>[]> ShareAsync(int producers, int itemsEach, int consumers,
        int capacity, CancellationToken token = default)
    {
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(capacity)
        {
            SingleReader = consumers == 1, // lets the channel pick a faster implementation
            SingleWriter = producers == 1,
        });
        var taken = Enumerable.Range(0, consumers).Select(_ => new List<int>()).ToArray();
        var readers = taken.Select(async mine =>
        {
            await foreach (var item in channel.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                mine.Add(item);
            }
        }).ToArray();
        var writers = Enumerable.Range(0, producers).Select(async p =>
        {
            for (var i = 0; i < itemsEach; i++)
            {
                // Waits while the channel is full.
                await channel.Writer.WriteAsync(p * itemsEach + i, token).ConfigureAwait(false);
            }
        }).ToArray();
        await Task.WhenAll(writers).ConfigureAwait(false);
        channel.Writer.Complete(); // readers end once the channel is empty
        await Task.WhenAll(readers).ConfigureAwait(false);
        return taken;
    }
    // </producers-consumers>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        foreach (var mode in Enum.GetValues<BoundedChannelFullMode>())
        {
            var (kept, dropped, refused) = await FillAsync(mode, capacity: 3, count: 5)
                .WaitAsync(limit, ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine($"capacity 3, write 1..5, {mode,-10}: "
                + $"kept [{string.Join(", ", kept)}], dropped [{string.Join(", ", dropped)}], "
                + $"TryWrite refused [{string.Join(", ", refused)}]");
        }
        var taken = await ShareAsync(
                producers: 3, itemsEach: 100, consumers: 2, capacity: 4, ctx.CancellationToken)
            .WaitAsync(limit, ctx.CancellationToken).ConfigureAwait(false);
        var all = taken.SelectMany(t => t).ToList();
        var once = all.Order().SequenceEqual(Enumerable.Range(0, 300));
        ctx.Out.WriteLine($"3 producers x 100 items, 2 consumers: {all.Count} taken, "
            + $"{all.Distinct().Count()} distinct, every item once: {once}");
    }
    // </run>
}

using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.queue-shutdown: a Channel's writer.Complete() is what Python 3.13's Queue.shutdown() is:
/// later writes fail (ChannelClosedException), readers still get what is queued, and every
/// ReadAllAsync ends once the channel is empty, for any number of readers. Dropping what is
/// queued, like shutdown(immediate=True), is cancelling the readers instead.
/// </summary>
[Concept("since.queue-shutdown")]
public static class QueueShutdown
{
    // <shutdown>
    /// <summary>Every item taken once by one of the readers; then all of them end.</summary>
    public static async Task<List<int>[]> ShareAsync(
        int items, int readers, CancellationToken token = default)
    {
        var channel = Channel.CreateBounded<int>(4);
        var taken = Enumerable.Range(0, readers).Select(_ => new List<int>()).ToArray();
        var reading = taken.Select(async mine =>
        {
            await foreach (var item in channel.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                mine.Add(item);
            }
        }).ToArray();
        for (var item = 0; item < items; item++)
        {
            await channel.Writer.WriteAsync(item, token).ConfigureAwait(false);
        }
        channel.Writer.Complete(); // one call ends every reader, however many
        await Task.WhenAll(reading).ConfigureAwait(false);
        return taken;
    }
    // </shutdown>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var taken = await ShareAsync(items: 20, readers: 3, ctx.CancellationToken)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        var every = taken.SelectMany(t => t).Order().SequenceEqual(Enumerable.Range(0, 20));
        var counts = string.Join(", ", taken.Select(t => t.Count));
        ctx.Out.WriteLine(
            $"3 readers took [{counts}] items; every item once: {every}; ended by Complete()");
    }
    // </run>
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// ipc.queue-bounded: a channel with room for three messages. Channel.CreateBounded(3) is the
/// async counterpart of Queue(3): TryWrite is put_nowait (false instead of Full), WriteAsync with
/// a cancellation deadline is put(timeout) (OperationCanceledException instead of Full), and
/// Reader.Count is qsize() (exact, on every platform). BlockingCollection(3).TryAdd(item, timeout)
/// is the blocking counterpart. Both live inside one process; across processes .NET has no queue
/// of its own (see ipc.pipe-duplex).
/// </summary>
[Concept("ipc.queue-bounded")]
public static class QueueBounded
{
    public const int Capacity = 3;

    public static IReadOnlyList<object> Messages() =>
        [
            new[] { 1, 2, 3, 4 },
            new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 },
            new HashSet<int> { 1, 2, 3, 4 },
        ];

    public static async Task RunAsync(ConceptContext ctx)
    {
        var wait = ctx.Seconds(2);
        var (channel, log) = await FillAsync(wait, ctx.CancellationToken);
        foreach (var line in log)
        {
            ctx.Out.WriteLine(line);
        }
        foreach (var (message, left) in Drain(channel))
        {
            ctx.Out.WriteLine($"got {Show(message)}; {left} left");
        }
        var added = FullBlockingCollectionTryAdd(wait);
        ctx.Out.WriteLine(
            $"blocking counterpart: BlockingCollection({Capacity}).TryAdd(item, "
            + $"{wait.TotalSeconds:F2} s) on a full collection returned {added}");
        channel.Writer.Complete();
        var written = channel.Writer.TryWrite("late");
        var thrown = await WriteAfterCompleteAsync(channel);
        ctx.Out.WriteLine(
            $"after Complete(): TryWrite returns {written}; WriteAsync throws {thrown}");
    }

    // <fill>
    public static async Task<(Channel<object> Channel, List<string> Log)>
        FillAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<object>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });
        foreach (var message in Messages())
        {
            // Waits while the channel is full; here it never is.
            await channel.Writer.WriteAsync(message, cancellationToken);
        }
        var log = new List<string>();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(wait);
            try
            {
                await channel.Writer.WriteAsync("one more?", deadline.Token); // put(timeout=wait)
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                log.Add($"WriteAsync with a {wait.TotalSeconds:F2} s deadline was cancelled: "
                    + $"{channel.Reader.Count} messages");
            }
        }
        if (!channel.Writer.TryWrite("one more?")) // put_nowait: false, no exception
        {
            log.Add($"TryWrite returned false: {channel.Reader.Count} messages");
        }
        return (channel, log);
    }
    // </fill>

    // <drain>
    public static List<(object Message, int Left)> Drain(Channel<object> channel)
    {
        var taken = new List<(object, int)>();
        while (channel.Reader.TryRead(out var message)) // get_nowait, with false for Empty
        {
            taken.Add((message, channel.Reader.Count));
        }
        return taken;
    }
    // </drain>

    public static bool FullBlockingCollectionTryAdd(TimeSpan wait)
    {
        using var collection = new BlockingCollection<object>(Capacity);
        foreach (var message in Messages())
        {
            collection.Add(message);
        }
        return collection.TryAdd("one more?", wait);
    }

    public static async Task<string> WriteAfterCompleteAsync(Channel<object> channel)
    {
        try
        {
            await channel.Writer.WriteAsync("late");
            return "nothing";
        }
        catch (ChannelClosedException ex)
        {
            return ex.GetType().Name;
        }
    }

    public static string Show(object message) => message switch
    {
        int[] numbers => $"[{string.Join(", ", numbers)}]",
        Dictionary<string, int> map =>
            $"{{{string.Join(", ", map.Select(p => $"'{p.Key}': {p.Value}"))}}}",
        HashSet<int> set => $"{{{string.Join(", ", set)}}}",
        _ => message.ToString() ?? string.Empty,
    };
}

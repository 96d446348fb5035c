using System.Diagnostics;
using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// ipc.queue-processes: two workers talk through channels, and why one shared channel is a trap.
/// .NET has no cross-process queue, so the two sides are tasks in one process and the queue is a
/// Channel (between processes, see ipc.pipe-duplex). The trap is the same as in Python: a
/// channel does not know who wrote what, so a talker that checks the shared channel for the answer
/// takes its own question back. One channel per direction fixes it, and awaiting the read
/// replaces the sleep-and-retry loop: the answer is taken the moment it arrives.
/// </summary>
[Concept("ipc.queue-processes")]
public static class QueueProcesses
{
    public const string Question = "[talker] Ming, skewers tonight?";
    public const string Answer = "[friend] Can't, I have a date.";
    public const double FriendDelaySeconds = 4;

    /// <summary>The article's back-off, (i + 1) * 2 article seconds: 2, 4 and 6.</summary>
    public static IReadOnlyList<double> ArticleDelays() =>
        [.. Enumerable.Range(0, 3).Select(i => (i + 1) * 2.0)];

    public static async Task RunAsync(ConceptContext ctx)
    {
        var alone = await LoneTalkerAsync(ctx);
        ctx.Out.WriteLine($"one shared channel, talker alone: the talker heard \"{alone}\"");
        var (heardByTalker, heardByFriend, elapsed) = await ConverseAsync(ctx, Timeouts.Short);
        ctx.Out.WriteLine($"two channels: the friend heard \"{heardByFriend}\"");
        ctx.Out.WriteLine($"two channels: the talker heard \"{heardByTalker}\"");
        ctx.Out.WriteLine($"took {elapsed.TotalSeconds:F2} s "
            + $"(the friend's delay is {ctx.Seconds(FriendDelaySeconds).TotalSeconds:F2} s; "
            + $"the article's retry loop would notice only at {ctx.Seconds(6).TotalSeconds:F2} s)");
    }

    // <retry>
    /// <summary>The article's loop: check, else wait and check again; the attempt that saw a
    /// message, or null.</summary>
    public static async Task<int?> RetryUntilAsync(
        Func<bool> ready, IEnumerable<TimeSpan> delays, Func<TimeSpan, Task> delay)
    {
        var attempt = 0;
        foreach (var pause in delays)
        {
            attempt++;
            if (ready())
            {
                return attempt;
            }
            await delay(pause);
        }
        return null;
    }
    // </retry>

    // <one-queue>
    /// <summary>The article's talker on one shared channel, with nobody else there yet.</summary>
    public static async Task<string?> LoneTalkerAsync(ConceptContext ctx)
    {
        var shared = Channel.CreateUnbounded<string>();
        await shared.Writer.WriteAsync(Question, ctx.CancellationToken);
        var attempt = await RetryUntilAsync(
            () => shared.Reader.Count > 0,
            ArticleDelays().Select(ctx.Seconds),
            d => Task.Delay(d, ctx.CancellationToken));
        // What it reads is our own question.
        return attempt is not null && shared.Reader.TryRead(out var heard) ? heard : null;
    }
    // </one-queue>

    // <two-queues>
    public static async Task<(string? HeardByTalker, string? HeardByFriend, TimeSpan Elapsed)>
        ConverseAsync(ConceptContext ctx, TimeSpan wait)
    {
        var toFriend = Channel.CreateUnbounded<string>();
        var fromFriend = Channel.CreateUnbounded<string>();
        var clock = Stopwatch.StartNew();

        async Task<string?> Talker()
        {
            await toFriend.Writer.WriteAsync(Question, ctx.CancellationToken);
            return await ReadOrNullAsync(fromFriend.Reader, wait, ctx.CancellationToken);
        }

        async Task<string?> Friend()
        {
            var heard = await ReadOrNullAsync(toFriend.Reader, wait, ctx.CancellationToken);
            if (heard is not null)
            {
                await Task.Delay(ctx.Seconds(FriendDelaySeconds), ctx.CancellationToken);
                await fromFriend.Writer.WriteAsync(Answer, ctx.CancellationToken);
            }
            return heard;
        }

        var talker = Task.Run(Talker, ctx.CancellationToken);
        var friend = Task.Run(Friend, ctx.CancellationToken);
        var both = await Task.WhenAll(talker, friend)
            .WaitAsync(Timeouts.Short + wait, ctx.CancellationToken);
        return (both[0], both[1], clock.Elapsed);
    }

    /// <summary>get(timeout): the message, or null when nothing came in time
    /// (queue.Empty).</summary>
    public static async Task<string?> ReadOrNullAsync(
        ChannelReader<string> reader, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        try
        {
            return await reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
    // </two-queues>
}

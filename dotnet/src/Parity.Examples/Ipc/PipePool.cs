using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// ipc.pipe-pool: two pooled tasks converse through the two ends of an in-process duplex line.
/// A Pool of N processes becomes a scheduler that runs at most N tasks at once
/// (ConcurrentExclusiveSchedulerPair). The asker sends, then blocks its worker until the answer
/// comes; with one worker the answerer never gets to run: a deadlock, caught here by
/// WaitAsync(timeout) and cleaned up by cancelling the blocked wait. Written with await instead
/// of a blocking wait, the same conversation completes even on one worker: an awaiting task
/// gives its worker back.
/// </summary>
[Concept("ipc.pipe-pool")]
public static class PipePool
{
    public const string Invite =
        "[Ming] Zhang, I am meeting a girl today; come along? I will wait 24 h for your answer.";
    public const string Decline = "[Zhang] No way: what if she falls for my good looks instead?";

    /// <summary>One end of a duplex line: what one end sends, only the other receives.</summary>
    public sealed class LineEnd(ChannelReader<string> inbox, ChannelWriter<string> outbox)
    {
        public void Send(string message)
        {
            if (!outbox.TryWrite(message))
            {
                throw new InvalidOperationException("the line is closed");
            }
        }

        /// <summary>Blocks the calling thread, like Connection.recv().</summary>
        public string Receive(CancellationToken cancellationToken) =>
            inbox.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

        public ValueTask<string> ReceiveAsync(CancellationToken cancellationToken) =>
            inbox.ReadAsync(cancellationToken);

        public static (LineEnd, LineEnd) CreatePair()
        {
            var aToB = Channel.CreateUnbounded<string>();
            var bToA = Channel.CreateUnbounded<string>();
            return (new LineEnd(bToA.Reader, aToB.Writer), new LineEnd(aToB.Reader, bToA.Writer));
        }
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        var (heardByAsker, heardByAnswerer) =
            await ConverseBlockingAsync(workers: 2, Timeouts.Short, ctx.CancellationToken);
        ctx.Out.WriteLine(heardByAnswerer);
        ctx.Out.WriteLine(heardByAsker);
        var wait = ctx.Seconds(2);
        try
        {
            await ConverseBlockingAsync(workers: 1, wait, ctx.CancellationToken);
        }
        catch (TimeoutException)
        {
            ctx.Out.WriteLine("with one worker and blocking waits: "
                + $"no answer within {wait.TotalSeconds:F2} s (deadlock), waits cancelled");
        }
        var (asked, _) = await ConverseAsync(workers: 1, Timeouts.Short, ctx.CancellationToken);
        ctx.Out.WriteLine($"with one worker and await: the asker heard \"{asked}\"");
    }

    // <tasks>
    public static string Asker(LineEnd end, CancellationToken cancellationToken)
    {
        end.Send(Invite);
        return end.Receive(cancellationToken); // holds the worker while it waits
    }

    public static string Answerer(LineEnd end, CancellationToken cancellationToken)
    {
        var heard = end.Receive(cancellationToken);
        end.Send(Decline);
        return heard;
    }
    // </tasks>

    // <pool>
    /// <summary>Both blocking tasks on a scheduler of <paramref name="workers"/>; TimeoutException
    /// when stuck.</summary>
    public static async Task<(string HeardByAsker, string HeardByAnswerer)> ConverseBlockingAsync(
        int workers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pool = new ConcurrentExclusiveSchedulerPair(
            TaskScheduler.Default, maxConcurrencyLevel: workers).ConcurrentScheduler;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var (end1, end2) = LineEnd.CreatePair();
        Task<string> Start(Func<string> work) =>
            Task.Factory.StartNew(work, stop.Token, TaskCreationOptions.DenyChildAttach, pool);
        var first = Start(() => Asker(end1, stop.Token));
        var second = Start(() => Answerer(end2, stop.Token));
        try
        {
            var both = await Task.WhenAll(first, second).WaitAsync(timeout, cancellationToken);
            return (both[0], both[1]);
        }
        catch (TimeoutException)
        {
            // The pool's terminate(): cancel the blocked wait, so no worker thread stays stuck.
            await stop.CancelAsync();
            await Task.WhenAll(first, second)
                .ContinueWith(_ => { }, CancellationToken.None,
                    TaskContinuationOptions.None, TaskScheduler.Default)
                .WaitAsync(Timeouts.Short, CancellationToken.None);
            throw;
        }
    }
    // </pool>

    // <async>
    public static async Task<(string HeardByAsker, string HeardByAnswerer)> ConverseAsync(
        int workers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pool = new ConcurrentExclusiveSchedulerPair(
            TaskScheduler.Default, maxConcurrencyLevel: workers).ConcurrentScheduler;
        var (end1, end2) = LineEnd.CreatePair();
        var first = Task.Factory.StartNew(async () =>
        {
            end1.Send(Invite);
            return await end1.ReceiveAsync(cancellationToken); // the worker is free while we wait
        }, cancellationToken, TaskCreationOptions.DenyChildAttach, pool).Unwrap();
        var second = Task.Factory.StartNew(async () =>
        {
            var heard = await end2.ReceiveAsync(cancellationToken);
            end2.Send(Decline);
            return heard;
        }, cancellationToken, TaskCreationOptions.DenyChildAttach, pool).Unwrap();
        var both = await Task.WhenAll(first, second).WaitAsync(timeout, cancellationToken);
        return (both[0], both[1]);
    }
    // </async>
}

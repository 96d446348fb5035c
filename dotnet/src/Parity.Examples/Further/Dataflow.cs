using System.Threading.Tasks.Dataflow;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.dataflow: a TPL Dataflow pipeline, TransformBlock to ActionBlock. BoundedCapacity
/// gives back-pressure (Post refuses, SendAsync waits), MaxDegreeOfParallelism runs several items
/// of one block at once while the output stays in input order, and PropagateCompletion carries
/// completion and faults down the links. One item that throws faults its block: the items still
/// queued are dropped, later sends are declined, and the fault reaches the blocks downstream only
/// through a link that propagates completion (without it they wait forever).
/// </summary>
[Concept("further.dataflow")]
public static class Dataflow
{
    // <pipeline>
    /// <summary>transform (parallel, bounded) -> sink (one at a time, bounded); completion and
    /// faults flow down the link.</summary>
    public static (TransformBlock<int, int> Head, ActionBlock<int> Tail) Build(
        Func<int, Task<int>> transform,
        Action<int> sink,
        int parallelism,
        int capacity,
        bool propagate = true)
    {
        var head = new TransformBlock<int, int>(transform, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = parallelism,
            // Counts the items being processed, waiting, and produced but not yet taken.
            BoundedCapacity = capacity,
        });
        var tail = new ActionBlock<int>(
            sink, new ExecutionDataflowBlockOptions { BoundedCapacity = capacity });
        head.LinkTo(tail, new DataflowLinkOptions { PropagateCompletion = propagate });
        return (head, tail);
    }

    /// <summary>Sends every item (waiting when the head is full), completes the head, awaits the
    /// tail.</summary>
    public static async Task<int> RunAsync(
        ITargetBlock<int> head, IDataflowBlock tail, IEnumerable<int> items)
    {
        var accepted = 0;
        foreach (var item in items)
        {
            // SendAsync waits for room (back-pressure) and answers false once the block stopped
            // accepting.
            if (!await head.SendAsync(item).ConfigureAwait(false))
            {
                break;
            }
            accepted++;
        }
        head.Complete();
        await tail.Completion.ConfigureAwait(false);
        return accepted;
    }
    // </pipeline>

    /// <summary>The CPU stage: a small, deterministic amount of work.</summary>
    public static int SumOfSquares(int n)
    {
        var total = 0;
        for (var i = 1; i <= n; i++)
        {
            total += i * i;
        }
        return total;
    }

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        var results = new List<int>();
        var (head, tail) = Build(n => Task.Run(() => SumOfSquares(n)), results.Add,
            parallelism: Environment.ProcessorCount, capacity: 2);
        var sent = await RunAsync(head, tail, Enumerable.Range(1, 8))
            .WaitAsync(limit, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine($"sent {sent}, sink got (input order kept with "
            + $"{Environment.ProcessorCount} in parallel): [{string.Join(", ", results)}]");

        // One bad item: the head faults, the queued items are dropped, the link faults the tail.
        var seen = new List<int>();
        (head, tail) = Build(
            n => n == 3
                ? throw new InvalidOperationException($"item {n} is bad")
                : Task.FromResult(n * 10),
            seen.Add, parallelism: 1, capacity: 2);
        try
        {
            sent = await RunAsync(head, tail, Enumerable.Range(1, 8))
                .WaitAsync(limit, ctx.CancellationToken).ConfigureAwait(false);
        }
        catch (AggregateException error)
        {
            var inner = error.Flatten().InnerExceptions.Single();
            ctx.Out.WriteLine("one item throws: the tail's Completion is faulted with "
                + $"{inner.GetType().Name}: {inner.Message}");
        }
        // Fault() also drops what the tail had buffered, so how many of 10, 20 it saw depends on
        // timing: what always holds is that it saw only items from before the bad one, in order.
        var prefix = seen.Select((item, i) => item == (i + 1) * 10).All(x => x);
        ctx.Out.WriteLine(
            $"  the sink saw {seen.Count} of the 2 items before the bad one, in order: {prefix}; "
            + $"head {head.Completion.Status}, tail {tail.Completion.Status}; "
            + $"Post(9) now: {head.Post(9)}");

        // The same fault without PropagateCompletion: the tail never hears of it.
        (head, tail) = Build(
            n => n == 3 ? throw new InvalidOperationException("bad") : Task.FromResult(n),
            _ => { }, parallelism: 1, capacity: 2, propagate: false);
        head.Post(3);
        await head.Completion.ContinueWith(_ => { }, TaskScheduler.Default)
            .WaitAsync(limit, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine($"without PropagateCompletion: head {head.Completion.Status}, "
            + $"tail {tail.Completion.Status} (it would wait forever)");
        tail.Complete();
    }
    // </run>
}

using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.priority-channel: .NET 9's Channel.CreateUnboundedPrioritized reads the smallest item
/// first by its comparer (Comparer&lt;T&gt;.Default unless one is given), like
/// asyncio.PriorityQueue.
/// It is unbounded only. Equal items come out in no promised order, so an arrival number breaks
/// ties when order matters.
/// </summary>
[Concept("since.priority-channel")]
public static class PriorityChannel
{
    // <prioritized>
    /// <summary>Writes every job before reading: the order they are served in.</summary>
    public static async Task<List<string>> ServeAsync(
        IEnumerable<(int Priority, string Name)> jobs, CancellationToken token = default)
    {
        // (priority, arrival, name): a tuple compares item by item, lower priority first,
        // then arrival.
        var waiting =
            Channel.CreateUnboundedPrioritized<(int Priority, int Arrival, string Name)>();
        var arrival = 0;
        foreach (var (priority, name) in jobs)
        {
            waiting.Writer.TryWrite((priority, arrival++, name)); // unbounded: always accepted
        }
        waiting.Writer.Complete();
        var served = new List<string>();
        await foreach (var job in waiting.Reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            served.Add(job.Name);
        }
        return served;
    }
    // </prioritized>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        (int, string)[] jobs =
            [(2, "report"), (0, "outage"), (1, "review"), (2, "backup"), (0, "security fix")];
        ctx.Out.WriteLine($"queued: [{string.Join(", ", jobs.Select(j => j.Item2))}]");
        var served = await ServeAsync(jobs, ctx.CancellationToken)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine($"served: [{string.Join(", ", served)}]");
    }
    // </run>
}

using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.initializer: Python needs Pool(initializer=..., initargs=(queue,)) because a Queue cannot
/// be pickled into a task; it must reach each worker process as it starts. .NET tasks share one
/// process, so both simply capture the channels. What remains of the idea is per-worker state:
/// Parallel.ForEach's localInit runs once per worker, before that worker's items.
/// </summary>
[Concept("pool.initializer")]
public static class Initializer
{
    public const string Question = "[Ming] Zhang, skewers tonight?";
    public const string Answer = "[Zhang] Can't, I have a date.";
    // <initializer>
    /// <summary>Ming asks, Zhang answers after the network delay (the article's 4 s).</summary>
    public static async Task<(string HeardByZhang, string HeardByMing)> ConverseAsync(
        TimeSpan networkDelay, CancellationToken cancellationToken)
    {
        var toZhang = Channel.CreateUnbounded<string>();
        var toMing = Channel.CreateUnbounded<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeouts.Short);
        var ming = Task.Run(async () =>
        {
            await toZhang.Writer.WriteAsync(Question, deadline.Token);
            return await toMing.Reader.ReadAsync(deadline.Token);
        }, deadline.Token);
        var zhang = Task.Run(async () =>
        {
            var question = await toZhang.Reader.ReadAsync(deadline.Token);
            await Task.Delay(networkDelay, deadline.Token);
            await toMing.Writer.WriteAsync(Answer, deadline.Token);
            return question;
        }, deadline.Token);
        return (await zhang, await ming);
    }
    // </initializer>

    // <per-worker>
    /// <summary>Sums 0..count-1; localInit makes one running total per worker.</summary>
    public static (long Sum, int Initializations) SumWithPerWorkerState(int count, int maxWorkers)
    {
        var (total, initializations) = (0L, 0);
        Parallel.ForEach(
            Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = maxWorkers },
            localInit: () =>
            {
                Interlocked.Increment(ref initializations); // the initializer: once per worker
                return 0L;
            },
            body: (item, _, subtotal) => subtotal + item,
            localFinally: subtotal => Interlocked.Add(ref total, subtotal));
        return (total, initializations);
    }
    // </per-worker>

    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"[parent] pid={Environment.ProcessId}");
        var (question, answer) = await ConverseAsync(ctx.Seconds(4), ctx.CancellationToken);
        ctx.Out.WriteLine(question);
        ctx.Out.WriteLine(answer);
        var (sum, made) = SumWithPerWorkerState(1000, 2);
        ctx.Out.WriteLine($"Parallel.ForEach with localInit: sum {sum}, "
            + $"per-worker state created {made} times (at most 2 workers)");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Pool;

/// <summary>
/// pool.apply-async: 10 one-second tasks, at most 5 at a time. .NET needs no worker processes
/// for this: the thread pool runs the tasks and Parallel.ForEachAsync bounds how many run at
/// once (MaxDegreeOfParallelism; its default for ForEachAsync is Environment.ProcessorCount).
/// Awaiting the returned task is close() + join() in one: the input is the whole batch.
/// A counter measures the bound instead of assuming it.
/// </summary>
[Concept("pool.apply-async")]
public static class ApplyAsync
{
    public sealed record BatchRun(IReadOnlyList<int> Names, int Peak, TimeSpan Elapsed);

    // <pool>
    public static async Task<BatchRun> RunTasksAsync(
        int maxParallel, int tasks, TimeSpan duration, TextWriter log, CancellationToken stop)
    {
        var meter = new ConcurrencyMeter("task running");
        var done = new ConcurrentQueue<int>();
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallel,
            CancellationToken = stop,
        };
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks), options, async (name, token) =>
        {
            await meter.MeasureAsync(async () =>
            {
                var thread = Environment.CurrentManagedThreadId;
                log.WriteLine($"[task {name}] pid={Environment.ProcessId} thread={thread}");
                await Task.Delay(duration, token);
            });
            done.Enqueue(name);
        });
        return new BatchRun([.. done.Order()], meter.Max, clock.Elapsed);
    }
    // </pool>

    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"[parent] pid={Environment.ProcessId}");
        var run = await RunTasksAsync(5, 10, ctx.Seconds(1), ctx.Out, ctx.CancellationToken);
        ctx.Out.WriteLine($"10 tasks, at most 5 at a time: {run.Peak} ran at once, {run.Elapsed.TotalSeconds:F2} s");
        ctx.Out.WriteLine($"without MaxDegreeOfParallelism, ForEachAsync would allow {Environment.ProcessorCount} (Environment.ProcessorCount)");
        ctx.Out.WriteLine("over");
    }
}

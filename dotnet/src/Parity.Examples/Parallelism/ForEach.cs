using System.Collections.Concurrent;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Parallelism;

/// <summary>
/// parallel.foreach: how many bodies run at once. PLINQ uses a fixed number of workers for the
/// whole query: Environment.ProcessorCount, or WithDegreeOfParallelism(n). Parallel.ForEach's
/// default MaxDegreeOfParallelism is -1 (no limit): it keeps adding workers as the scheduler
/// gives it threads, so with blocking bodies it can use MORE threads than PLINQ, not fewer.
/// Parallel.ForEachAsync defaults to ProcessorCount. MaxDegreeOfParallelism caps them all.
/// </summary>
[Concept("parallel.foreach")]
public static class ForEach
{
    // <degree>
    /// <summary>A blocking body: sleeps for <paramref name="body"/>, or less if the token is cancelled.</summary>
    public static void Block(TimeSpan body, CancellationToken token) => token.WaitHandle.WaitOne(body);

    /// <summary>Parallel.ForEach over <paramref name="items"/> blocking bodies; -1 = the default (no limit).</summary>
    public static int ParallelForEachMax(int items, TimeSpan body, int maxDegree = -1, CancellationToken token = default)
    {
        var meter = new ConcurrencyMeter();
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegree, CancellationToken = token };
        Parallel.ForEach(Enumerable.Range(0, items), options, _ => meter.Measure(() => Block(body, token)));
        return meter.Max;
    }

    /// <summary>PLINQ over the same bodies; null = the default degree (ProcessorCount).</summary>
    public static int PlinqMax(int items, TimeSpan body, int? degree = null, CancellationToken token = default)
    {
        var meter = new ConcurrencyMeter();
        var query = Enumerable.Range(0, items).AsParallel().WithCancellation(token);
        if (degree is { } d)
        {
            query = query.WithDegreeOfParallelism(d);
        }
        query.ForAll(_ => meter.Measure(() => Block(body, token)));
        return meter.Max;
    }

    /// <summary>Parallel.ForEachAsync with non-blocking (awaiting) bodies; -1 = its default (ProcessorCount).</summary>
    public static async Task<int> ForEachAsyncMax(int items, TimeSpan body, int maxDegree = -1, CancellationToken token = default)
    {
        var meter = new ConcurrencyMeter();
        var options = new ParallelOptions { CancellationToken = token };
        if (maxDegree > 0)
        {
            options.MaxDegreeOfParallelism = maxDegree;
        }
        await Parallel.ForEachAsync(Enumerable.Range(0, items), options,
            (_, ct) => new ValueTask(meter.MeasureAsync(() => Task.Delay(body, ct)))).ConfigureAwait(false);
        return meter.Max;
    }
    // </degree>

    // <unbounded>
    /// <summary>
    /// Parallel.ForEach with the default options and a scheduler that gives every task its own
    /// thread: can <paramref name="participants"/> bodies that wait for each other all meet?
    /// PLINQ could not: it never runs more than its degree of parallelism.
    /// </summary>
    public static bool ParallelForEachReaches(int participants, TimeSpan timeout, CancellationToken token = default)
    {
        using var barrier = new Barrier(participants);
        var met = 0;
        var options = new ParallelOptions { TaskScheduler = new ThreadPerTaskScheduler(), CancellationToken = token };
        Parallel.ForEach(Enumerable.Range(0, participants), options, _ =>
        {
            if (barrier.SignalAndWait(timeout, token))
            {
                Interlocked.Increment(ref met);
            }
        });
        return met == participants;
    }

    /// <summary>Runs each task on a new thread: no pool, no injection delay.</summary>
    public sealed class ThreadPerTaskScheduler : TaskScheduler
    {
        private readonly ConcurrentDictionary<Task, byte> _queued = new();

        protected override void QueueTask(Task task)
        {
            _queued.TryAdd(task, 0);
            new Thread(() =>
            {
                _queued.TryRemove(task, out _);
                TryExecuteTask(task);
            })
            { IsBackground = true }.Start();
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            !taskWasPreviouslyQueued && TryExecuteTask(task);

        protected override IEnumerable<Task> GetScheduledTasks() => _queued.Keys;
    }
    // </unbounded>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var body = ctx.Seconds(0.5);
        var token = ctx.CancellationToken; // every loop stops at the host's cancel, bodies included
        const int Items = 8;
        ctx.Out.WriteLine($"{Environment.ProcessorCount} cores; {Items} blocking bodies of {body.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s each; most bodies seen at once:");
        ctx.Out.WriteLine($"  {"PLINQ, default degree:",-40}{PlinqMax(Items, body, token: token)}");
        ctx.Out.WriteLine($"  {"PLINQ, WithDegreeOfParallelism(2):",-40}{PlinqMax(Items, body, degree: 2, token: token)}");
        ctx.Out.WriteLine($"  {"Parallel.ForEach, default (no limit):",-40}{ParallelForEachMax(Items, body, token: token)}");
        ctx.Out.WriteLine($"  {"Parallel.ForEach, MaxDegree 2:",-40}{ParallelForEachMax(Items, body, maxDegree: 2, token: token)}");
        ctx.Out.WriteLine($"  {"Parallel.ForEachAsync, default:",-40}{await ForEachAsyncMax(Items, body, token: token).ConfigureAwait(false)} (awaiting bodies)");
        ctx.Out.WriteLine($"  {"Parallel.ForEachAsync, MaxDegree 2:",-40}{await ForEachAsyncMax(Items, body, maxDegree: 2, token: token).ConfigureAwait(false)}");
        ctx.Out.WriteLine($"  {"Parallel.ForEach on a thread per task:",-40}8 bodies waiting for each other all met: {ParallelForEachReaches(8, Timeouts.Short, token)}");
        ctx.Out.WriteLine($"  default ParallelOptions.MaxDegreeOfParallelism: {new ParallelOptions().MaxDegreeOfParallelism}");
    }
    // </run>
}

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

    // <probe>
    /// <summary>What a thread-pool work item queued while a loop runs went through.</summary>
    /// <param name="Latency">from queueing the work item to its start</param>
    /// <param name="BodiesAtStart">loop bodies in flight when it started</param>
    /// <param name="ReleasedByProbe">the blocked bodies were still waiting for it (not timed out)</param>
    public readonly record struct Probe(TimeSpan Latency, int BodiesAtStart, bool ReleasedByProbe);

    /// <summary>
    /// Runs <paramref name="items"/> bodies that block until a probe has run, with PLINQ (default
    /// degree) or Parallel.ForEach (default options); once the loop's first body is in, queues the
    /// probe to the thread pool and times how long it waits to start. <paramref name="cap"/> bounds
    /// every wait; the token stops the loop and its bodies.
    /// </summary>
    public static Probe ProbeWhileLooping(bool plinq, int items, TimeSpan cap, CancellationToken token = default)
    {
        // Not disposed: a late probe or body may still touch them after a time-out.
        var firstBodyIn = new ManualResetEventSlim();
        var probeRan = new ManualResetEventSlim();
        var current = 0;
        var timedOut = 0;
        void Body(int _)
        {
            Interlocked.Increment(ref current);
            firstBodyIn.Set();
            if (!probeRan.Wait(cap, token))
            {
                Interlocked.Increment(ref timedOut);
            }
            Interlocked.Decrement(ref current);
        }
        // The loop runs on a thread of its own, as a caller outside the pool would.
        var loop = Task.Factory.StartNew(
            () =>
            {
                if (plinq)
                {
                    Enumerable.Range(0, items).AsParallel().WithCancellation(token).ForAll(Body);
                }
                else
                {
                    Parallel.ForEach(Enumerable.Range(0, items), new ParallelOptions { CancellationToken = token }, Body);
                }
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!firstBodyIn.Wait(cap, token))
        {
            throw new TimeoutException("the loop never started a body");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var latency = TimeSpan.Zero;
        var bodies = 0;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            latency = clock.Elapsed;
            bodies = Volatile.Read(ref current);
            probeRan.Set();
        }, null);
        if (!loop.Wait(cap * 2, token))
        {
            throw new TimeoutException("the loop did not end");
        }
        return new Probe(latency, bodies, ReleasedByProbe: Volatile.Read(ref timedOut) == 0);
    }
    // </probe>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var body = ctx.Seconds(0.5);
        var token = ctx.CancellationToken; // every loop stops at the host's cancel, bodies included
        const int Items = 8;
        // A measurement, not a test: how long a work item queued to the pool waits while each loop
        // runs. First, while the pool still has only its minimum threads: the lines below grow it.
        double MedianMs(bool plinq) =>
            Enumerable.Range(0, 3).Select(_ => ProbeWhileLooping(plinq, items: 64, Timeouts.Short, token).Latency.TotalMilliseconds).Order().ElementAt(1);
        var underPlinq = MedianMs(plinq: true);
        var underParallel = MedianMs(plinq: false);
        ctx.Out.WriteLine("a work item queued to the thread pool while 64 blocked bodies wait for it starts after (median of 3):");
        ctx.Out.WriteLine($"  {"PLINQ, default degree:",-40}{underPlinq.ToString("0.0", CultureInfo.InvariantCulture)} ms");
        ctx.Out.WriteLine($"  {"Parallel.ForEach, default:",-40}{underParallel.ToString("0.0", CultureInfo.InvariantCulture)} ms");
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

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
    /// <summary>A blocking body: sleeps for <paramref name="body"/>, less if cancelled.</summary>
    public static void Block(TimeSpan body, CancellationToken token) =>
        token.WaitHandle.WaitOne(body);

    /// <summary>Parallel.ForEach over blocking bodies; -1 = the default (no limit).</summary>
    public static int ParallelForEachMax(
        int items, TimeSpan body, int maxDegree = -1, CancellationToken token = default)
    {
        var meter = new ConcurrencyMeter($"Parallel.ForEach body, MaxDegree {maxDegree}");
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegree,
            CancellationToken = token,
        };
        Parallel.ForEach(
            Enumerable.Range(0, items), options, _ => meter.Measure(() => Block(body, token)));
        return meter.Max;
    }

    /// <summary>PLINQ over the same bodies; null = the default degree (ProcessorCount).</summary>
    public static int PlinqMax(
        int items, TimeSpan body, int? degree = null, CancellationToken token = default)
    {
        var label = degree?.ToString(CultureInfo.InvariantCulture) ?? "default";
        var meter = new ConcurrencyMeter($"PLINQ body, degree {label}");
        var query = Enumerable.Range(0, items).AsParallel().WithCancellation(token);
        if (degree is { } d)
        {
            query = query.WithDegreeOfParallelism(d);
        }
        query.ForAll(_ => meter.Measure(() => Block(body, token)));
        return meter.Max;
    }

    /// <summary>Parallel.ForEachAsync, awaiting bodies; -1 = its default (cores).</summary>
    public static async Task<int> ForEachAsyncMax(
        int items, TimeSpan body, int maxDegree = -1, CancellationToken token = default)
    {
        var meter = new ConcurrencyMeter($"ForEachAsync body, MaxDegree {maxDegree}");
        var options = new ParallelOptions { CancellationToken = token };
        if (maxDegree > 0)
        {
            options.MaxDegreeOfParallelism = maxDegree;
        }
        await Parallel.ForEachAsync(Enumerable.Range(0, items), options,
                (_, ct) => new ValueTask(meter.MeasureAsync(() => Task.Delay(body, ct))))
            .ConfigureAwait(false);
        return meter.Max;
    }
    // </degree>

    // <unbounded>
    /// <summary>
    /// Parallel.ForEach with the default options and a scheduler that gives every task its own
    /// thread: can <paramref name="participants"/> bodies that wait for each other all meet?
    /// PLINQ could not: it never runs more than its degree of parallelism.
    /// </summary>
    public static bool ParallelForEachReaches(
        int participants, TimeSpan timeout, CancellationToken token = default)
    {
        using var barrier = new Barrier(participants);
        var met = 0;
        var options = new ParallelOptions
        {
            TaskScheduler = new ThreadPerTaskScheduler(),
            CancellationToken = token,
        };
        Parallel.ForEach(Enumerable.Range(0, participants), options, _ =>
        {
            if (barrier.SignalAndWait(timeout, token))
            {
                Interlocked.Increment(ref met);
            }
        });
        return met == participants;
    }

    // </unbounded>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var body = ctx.Seconds(0.5);
        var token = ctx.CancellationToken; // every loop stops at the host's cancel, bodies included
        const int Items = 8;
        void Row(string label, object value) => ctx.Out.WriteLine($"  {label,-40}{value}");
        string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
        // A measurement, not a test: how long a work item queued to the pool waits while each loop
        // runs. First, while the pool still has only its minimum threads: the lines below grow it.
        // One probe each: a second of thread injection against a tenth of a millisecond.
        var underPlinq = ThreadPoolProbe.LatencyMs(plinq: true, items: 64, Timeouts.Short, token);
        var underLoop = ThreadPoolProbe.LatencyMs(plinq: false, items: 64, Timeouts.Short, token);
        ctx.Out.WriteLine("a work item queued to the thread pool while 64 blocked bodies"
            + " wait for it starts after:");
        Row("PLINQ, default degree:", Ms(underPlinq));
        Row("Parallel.ForEach, default:", Ms(underLoop));
        var seconds = body.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        ctx.Out.WriteLine($"{Environment.ProcessorCount} cores; {Items} blocking bodies of"
            + $" {seconds} s each; most bodies seen at once:");
        Row("PLINQ, default degree:", PlinqMax(Items, body, token: token));
        Row("PLINQ, WithDegreeOfParallelism(2):", PlinqMax(Items, body, degree: 2, token: token));
        Row("Parallel.ForEach, default (no limit):", ParallelForEachMax(Items, body, token: token));
        Row("Parallel.ForEach, MaxDegree 2:", ParallelForEachMax(Items, body, 2, token));
        var awaiting = await ForEachAsyncMax(Items, body, token: token).ConfigureAwait(false);
        Row("Parallel.ForEachAsync, default:", $"{awaiting} (awaiting bodies)");
        Row("Parallel.ForEachAsync, MaxDegree 2:",
            await ForEachAsyncMax(Items, body, 2, token).ConfigureAwait(false));
        var met = ParallelForEachReaches(8, Timeouts.Short, token);
        Row("Parallel.ForEach on a thread per task:",
            $"8 bodies waiting for each other all met: {met}");
        ctx.Out.WriteLine("  default ParallelOptions.MaxDegreeOfParallelism: "
            + new ParallelOptions().MaxDegreeOfParallelism);
    }
    // </run>
}

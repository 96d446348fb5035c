using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.free-threading: .NET threads have always run managed code on every core at once, which
/// CPython's threads do only on its free-threaded build. The same CPU-bound function on one thread
/// and on several; then the race that parallel threads expose: ++ on a shared field is a read and
/// a write, and Interlocked.Increment or a lock makes it whole.
/// </summary>
[Concept("since.free-threading")]
public static class FreeThreading
{
    // <cpu-work>
    public static long Spin(int n)
    {
        long total = 0;
        for (var i = 0; i < n; i++)
        {
            total += (long)i * i % 7;
        }
        return total;
    }

    /// <summary>
    /// Seconds for <paramref name="workers"/> equal pieces on as many threads.</summary>
    public static async Task<double> TimedAsync(
        int workers, int n, CancellationToken token = default)
    {
        var clock = Stopwatch.StartNew();
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = workers,
            CancellationToken = token,
        };
        await Parallel.ForAsync(0, workers, options,
            (_, _) => { Spin(n); return ValueTask.CompletedTask; }).ConfigureAwait(false);
        return clock.Elapsed.TotalSeconds;
    }
    // </cpu-work>

    // <race>
    public sealed class Counter
    {
        private int _value;

        public int Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }

        public Lock Gate { get; } = new();

        // One atomic read-modify-write.
        public void Increment() => Interlocked.Increment(ref _value);
    }

    /// <summary>++ spelled out: a read, then a write; <paramref name="pause"/> lets another
    /// thread read in between.</summary>
    public static void AddUnlocked(Counter counter, Action pause)
    {
        var seen = counter.Value;
        pause();
        counter.Value = seen + 1;
    }

    public static void AddLocked(Counter counter, Action pause)
    {
        lock (counter.Gate) // a System.Threading.Lock: the compiler calls EnterScope()
        {
            AddUnlocked(counter, pause);
        }
    }

    public static void AddInterlocked(Counter counter, Action pause) => counter.Increment();
    // </race>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        const int workers = 4, n = 20_000_000, each = 1_000_000;
        var alone = await TimedAsync(1, n * workers, ctx.CancellationToken).ConfigureAwait(false);
        var threads = await TimedAsync(workers, n, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine(
            $"{workers} x Spin({n:N0}): one thread {alone:F2} s, {workers} threads {threads:F2} s "
            + $"(x{alone / threads:F1}) on {Environment.ProcessorCount} cores");
        (string, Action<Counter, Action>)[] ways =
            [("unlocked", AddUnlocked), ("Interlocked", AddInterlocked), ("lock", AddLocked)];
        foreach (var (name, add) in ways)
        {
            var counter = new Counter();
            await Parallel.ForAsync(0, workers, ctx.CancellationToken, (_, _) =>
            {
                for (var i = 0; i < each; i++)
                {
                    add(counter, static () => { });
                }
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
            ctx.Out.WriteLine($"{name}: {counter.Value:N0} of {workers * each:N0} increments kept");
        }
    }
    // </run>
}

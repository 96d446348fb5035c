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
        long total = 0; // a plain loop: a LINQ Sum with a lambda takes twice as long here
        for (var i = 0; i < n; i++)
        {
            total += (long)i * i % 7;
        }
        return total;
    }

    /// <summary>Seconds for <paramref name="workers"/> equal pieces run at once.</summary>
    public static async Task<double> TimedAsync(int workers, int n, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, workers, token, (_, _) =>
        {
            Spin(n);
            return ValueTask.CompletedTask;
        });
        return clock.Elapsed.TotalSeconds;
    }
    // </cpu-work>

    // <race>
    public sealed class Counter
    {
        private int _value;
        public int Value { get => _value; set => _value = value; }
        public Lock Gate { get; } = new();
        public void Increment() => Interlocked.Increment(ref _value); // one atomic step
    }

    // ++ spelled out: a read, then a write; a test's pause lets another thread read in between.
    public static void AddUnlocked(Counter counter, Action pause)
    {
        var seen = counter.Value;
        pause();
        counter.Value = seen + 1;
    }

    public static void AddLocked(Counter counter, Action pause)
    {
        using var held = counter.Gate.EnterScope(); // what lock (counter.Gate) { ... } compiles to
        AddUnlocked(counter, pause);
    }

    public static void AddInterlocked(Counter counter, Action pause) => counter.Increment();
    // </race>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        const int workers = 4, n = 20_000_000, each = 1_000_000;
        var alone = await TimedAsync(1, n * workers, ctx.CancellationToken);
        var threads = await TimedAsync(workers, n, ctx.CancellationToken);
        ctx.Out.WriteLine(
            $"{workers} x Spin({n:N0}): one thread {alone:F2} s, {workers} threads {threads:F2} s "
            + $"(x{alone / threads:F1}) on {Environment.ProcessorCount} cores");
        var options = new ParallelOptions { CancellationToken = ctx.CancellationToken };
        (string, Action<Counter, Action>)[] ways =
            [("unlocked", AddUnlocked), ("Interlocked", AddInterlocked), ("lock", AddLocked)];
        foreach (var (name, add) in ways)
        {
            var counter = new Counter();
            Parallel.For(0, workers * each, options, _ => add(counter, static () => { }));
            ctx.Out.WriteLine($"{name}: {counter.Value:N0} of {workers * each:N0} increments kept");
        }
    }
    // </run>
}

using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.free-threading: .NET threads have always run managed code on every core at once, which
/// CPython's threads do only on its free-threaded build. Parallel threads expose a race: ++ on a
/// shared field is a read and a write, and Interlocked.Increment or a lock makes it whole.
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

    public static async Task<double> TimedAsync(int workers, int n, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var pieces = Enumerable.Range(0, workers).Select(_ => Task.Run(() => Spin(n), token));
        await Task.WhenAll(pieces); // `workers` equal pieces of work, all at once
        return clock.Elapsed.TotalSeconds;
    }
    // </cpu-work>
    // <race>
    public class Counter
    {
        internal int _value; // Interlocked.Increment takes a ref to the field itself
        public virtual int Value { get => _value; set => _value = value; } // tests pause its reads
        public Lock Gate { get; } = new();
    }

    public static void AddUnlocked(Counter counter) => counter.Value++; // a read, then a write

    public static void AddLocked(Counter counter)
    {
        using var held = counter.Gate.EnterScope(); // what lock (counter.Gate) { ... } compiles to
        counter.Value++; // nobody else reads until the write is done
    }

    public static void AddInterlocked(Counter counter) => Interlocked.Increment(ref counter._value);
    // </race>
    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        const int workers = 4, n = 20_000_000, each = 1_000_000;
        var alone = await TimedAsync(1, n * workers, ctx.CancellationToken);
        var threads = await TimedAsync(workers, n, ctx.CancellationToken);
        ctx.Out.WriteLine($"{workers} x Spin({n:N0}): one thread {alone:F2} s, {workers} threads "
            + $"{threads:F2} s (x{alone / threads:F1}) on {Environment.ProcessorCount} cores");
        var options = new ParallelOptions { CancellationToken = ctx.CancellationToken };
        (string, Action<Counter>)[] ways =
            [("unlocked", AddUnlocked), ("Interlocked", AddInterlocked), ("lock", AddLocked)];
        foreach (var (name, add) in ways)
        {
            var counter = new Counter();
            Parallel.For(0, workers * each, options, _ => add(counter));
            ctx.Out.WriteLine($"{name}: {counter.Value:N0} of {workers * each:N0} increments kept");
        }
    }
    // </run>
}

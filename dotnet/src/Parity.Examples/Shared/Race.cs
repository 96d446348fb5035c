using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.race: five workers add 1 to one counter a thousand times each. <c>counter++</c> is a
/// read, an add and a write: two threads can read the same value and one increment is lost.
/// <see cref="Interlocked.Increment(ref int)"/> makes the whole step atomic; a <c>lock</c> makes
/// the three steps one critical section. .NET does this with threads in one process, where
/// Python needs processes and a shared-memory Value.
/// </summary>
[Concept("shared.race")]
public static class Race
{
    public const int Workers = 5;
    public const int Iterations = 1000; // the article's numbers: 5 x 1000 = 5000

    public enum How { Unlocked, Interlocked, Lock }

    private sealed class Counter
    {
        public int Value;
        public readonly Lock Gate = new();
    }

    // <unlocked>
    private static void AddUnlocked(Counter counter, int iterations)
    {
        for (var i = 0; i < iterations; i++)
        {
            counter.Value++; // read, add, write: not one atomic step
        }
    }
    // </unlocked>

    // <locked>
    private static void AddInterlocked(Counter counter, int iterations)
    {
        for (var i = 0; i < iterations; i++)
        {
            Interlocked.Increment(ref counter.Value); // one atomic read-modify-write
        }
    }

    private static void AddWithLock(Counter counter, int iterations)
    {
        for (var i = 0; i < iterations; i++)
        {
            lock (counter.Gate) // like `with value.get_lock():` around the whole +=
            {
                counter.Value++;
            }
        }
    }
    // </locked>

    // <run>
    /// <summary>
    /// <paramref name="workers"/> threads, lined up by a barrier so they really overlap, each
    /// add 1 <paramref name="iterations"/> times; returns the final total.
    /// </summary>
    public static int Count(How how, int workers = Workers, int iterations = Iterations, TimeSpan? timeout = null)
    {
        var counter = new Counter();
        Action<Counter, int> add = how switch
        {
            How.Unlocked => AddUnlocked,
            How.Interlocked => AddInterlocked,
            How.Lock => AddWithLock,
            _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
        };
        LinedUpThreads.Run(workers, () => add(counter, iterations), timeout ?? TimeSpan.FromSeconds(60));
        return Volatile.Read(ref counter.Value);
    }
    // </run>

    public static Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"{Workers} threads x {Iterations} increments, ideal total {Workers * Iterations}");
        ctx.Out.WriteLine($"counter++ without a lock:   {Count(How.Unlocked)}");
        ctx.Out.WriteLine($"Interlocked.Increment:      {Count(How.Interlocked)}");
        ctx.Out.WriteLine($"lock (gate) {{ counter++ }}:  {Count(How.Lock)}");
        return Task.CompletedTask;
    }
}

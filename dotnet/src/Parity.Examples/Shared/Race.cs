using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.race: five workers add 1 to one counter a thousand times each. <c>counter++</c> is a
/// read, an add and a write: two threads can read the same value, and one increment is lost.
/// <see cref="Interlocked.Increment(ref int)"/> makes it one atomic step, a <c>lock</c> one
/// critical section. .NET races threads in one process; Python needs processes and a Value.
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
    private static void AddUnlocked(Counter counter) => counter.Value++; // read, add, write
    // </unlocked>
    // <locked>
    private static void AddInterlocked(Counter counter) =>
        Interlocked.Increment(ref counter.Value); // one atomic read-modify-write

    private static void AddWithLock(Counter counter)
    {
        lock (counter.Gate) // like `with value.get_lock():` around the whole +=
        {
            counter.Value++;
        }
    }
    // </locked>
    // <run>
    /// <summary>Five threads, lined up by a barrier so they really overlap, each add 1
    /// <paramref name="iterations"/> times; returns the final total.</summary>
    public static int Count(How how, int iterations = Iterations)
    {
        var counter = new Counter();
        Action<Counter> add = how switch
        {
            How.Unlocked => AddUnlocked,
            How.Interlocked => AddInterlocked,
            How.Lock => AddWithLock,
            _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
        };
        LinedUpThreads.Run(Workers, () =>
        {
            for (var i = 0; i < iterations; i++)
            {
                add(counter);
            }
        }, Timeouts.Long);
        return Volatile.Read(ref counter.Value);
    }
    // </run>
    // <step-by-step>
    /// <summary>A reads and pauses, B reads and writes, A writes what it read plus one: the total
    /// (1 or 2), and whether B read in A's pause. Locked: each holds the lock throughout.</summary>
    public static (int Total, bool OtherReadDuringPause) LostUpdateStepByStep(bool locked)
    {
        var counter = new Counter();
        var bReadDuringPause = Interleaving.Run(
            () => Volatile.Read(ref counter.Value), // the read half of counter++
            value => Volatile.Write(ref counter.Value, value), // the write half
            locked ? counter.Gate : null);
        return (Volatile.Read(ref counter.Value), bReadDuringPause);
    }
    // </step-by-step>

    public static Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"{Workers} threads x {Iterations} increments, "
            + $"ideal total {Workers * Iterations}");
        ctx.Out.WriteLine($"counter++ without a lock:   {Count(How.Unlocked)}");
        ctx.Out.WriteLine($"Interlocked.Increment:      {Count(How.Interlocked)}");
        ctx.Out.WriteLine($"lock (gate) {{ counter++ }}:  {Count(How.Lock)}");
        var (unlocked, locked) = (LostUpdateStepByStep(false).Total,
            LostUpdateStepByStep(true).Total);
        ctx.Out.WriteLine($"read, pause, write (two threads): {unlocked} of 2");
        ctx.Out.WriteLine($"the same holding the lock:       {locked} of 2");
        return Task.CompletedTask;
    }
}

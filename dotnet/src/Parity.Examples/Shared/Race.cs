using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.race: five threads add 1 to one counter 1,000 times each. <c>counter++</c> is a read,
/// an add and a write: two threads can read the same value, and one increment is lost. Interlocked
/// makes it one atomic step, a <c>lock</c> one critical section; Python uses processes and a Value.
/// </summary>
[Concept("shared.race")]
public static class Race
{
    public const int Workers = 5, Iterations = 1000; // the article's numbers: 5 x 1000 = 5000
    private static readonly Lock Gate = new();

    public delegate void Adder(ref int counter);

    // <unlocked>
    public static void AddUnlocked(ref int counter) => counter++; // read, add, write
    // </unlocked>
    // <locked>
    public static void AddInterlocked(ref int counter) => Interlocked.Increment(ref counter);

    public static void AddWithLock(ref int counter)
    {
        lock (Gate) // like `with value.get_lock():` around the whole +=
        {
            counter++;
        }
    }
    // </locked>
    // <run>
    public static int Count(Adder add, int iterations = Iterations)
    {
        var counter = 0;
        LinedUpThreads.Run(Workers, () => // a barrier lines them up, so they really overlap
        {
            for (var i = 0; i < iterations; i++)
            {
                add(ref counter);
            }
        }, Timeouts.Long);
        return Volatile.Read(ref counter);
    }
    // </run>
    // <step-by-step>
    /// <summary>A reads and pauses, B reads and writes, A writes what it read plus one: the total
    /// (1 or 2), and whether B read in A's pause. Locked: each holds the lock throughout.</summary>
    public static (int Total, bool OtherReadDuringPause) LostUpdateStepByStep(bool locked)
    {
        var counter = 0;
        var bReadDuringPause = Interleaving.Run(
            () => Volatile.Read(ref counter), // the read half of counter++
            value => Volatile.Write(ref counter, value), // the write half
            locked ? Gate : null);
        return (Volatile.Read(ref counter), bReadDuringPause);
    }
    // </step-by-step>
    public static Task RunAsync(ConceptContext ctx)
    {
        void Say(string line) => ctx.Out.WriteLine(line);
        Say($"{Workers} threads x {Iterations} increments, ideal total {Workers * Iterations}");
        Say($"counter++ without a lock:   {Count(AddUnlocked)}");
        Say($"Interlocked.Increment:      {Count(AddInterlocked)}");
        Say($"lock (gate) {{ counter++ }}:  {Count(AddWithLock)}");
        Say($"read, pause, write (two threads): {LostUpdateStepByStep(false).Total} of 2");
        Say($"the same holding the lock:       {LostUpdateStepByStep(true).Total} of 2");
        return Task.CompletedTask;
    }
}

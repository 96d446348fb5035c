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
        LinedUpThreads.Run(workers, () => add(counter, iterations), timeout ?? Timeouts.Long);
        return Volatile.Read(ref counter.Value);
    }
    // </run>

    // <step-by-step>
    /// <summary>
    /// Two increments interleaved on purpose: A reads and pauses, B reads and writes, then A
    /// writes what it read plus one. Returns the total (1 or 2) and whether B could read during
    /// A's pause. With <paramref name="locked"/>, each holds the lock across its read and write.
    /// </summary>
    public static (int Total, bool OtherReadDuringPause) LostUpdateStepByStep(bool locked, TimeSpan? blockedFor = null)
    {
        var counter = new Counter();
        var bReadDuringPause = Interleave(
            () => Volatile.Read(ref counter.Value), // the read half of counter++
            value => Volatile.Write(ref counter.Value, value), // the write half
            locked ? counter.Gate : null,
            blockedFor);
        return (Volatile.Read(ref counter.Value), bReadDuringPause);
    }

    /// <summary>
    /// Runs read-then-write-plus-one on two threads: A reads and pauses, B tries; then A writes.
    /// With a <paramref name="gate"/>, each holds it across its read and write. Returns whether
    /// B read during A's pause.
    /// </summary>
    public static bool Interleave(Func<int> read, Action<int> write, Lock? gate, TimeSpan? blockedFor = null)
    {
        // Not disposed: after a time-out a thread may still use them (they hold no kernel handle
        // unless WaitHandle is asked for).
        var aRead = new ManualResetEventSlim();
        var goOn = new ManualResetEventSlim();
        var bTrying = new ManualResetEventSlim();
        var bRead = new ManualResetEventSlim();
        var limit = Timeouts.Short;

        void ReadPauseWrite(ManualResetEventSlim? trying, ManualResetEventSlim haveRead, bool pause)
        {
            trying?.Set();
            if (gate is not null && !gate.TryEnter(limit))
            {
                throw new TimeoutException("lock not acquired");
            }
            try
            {
                var seen = read();
                haveRead.Set();
                if (pause && !goOn.Wait(limit))
                {
                    throw new TimeoutException("never told to go on");
                }
                write(seen + 1);
            }
            finally
            {
                gate?.Exit();
            }
        }

        var a = new Thread(() => ReadPauseWrite(null, aRead, pause: true)) { IsBackground = true };
        var b = new Thread(() => ReadPauseWrite(bTrying, bRead, pause: false)) { IsBackground = true };
        var bReadDuringPause = false;
        var finished = false;
        try
        {
            a.Start();
            if (!aRead.Wait(limit))
            {
                throw new TimeoutException("A never read");
            }
            b.Start();
            if (!bTrying.Wait(limit))
            {
                throw new TimeoutException("B never started");
            }
            // Unlocked, B reads the same value while A pauses; locked, B waits for A's lock.
            bReadDuringPause = bRead.Wait(gate is not null ? blockedFor ?? TimeSpan.FromMilliseconds(200) : limit);
        }
        finally
        {
            goOn.Set(); // A may go on: it writes what it read, plus one
            finished = a.Join(limit) & (b.ThreadState == ThreadState.Unstarted || b.Join(limit));
        }
        return finished ? bReadDuringPause : throw new TimeoutException("a thread did not finish");
    }
    // </step-by-step>

    public static Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"{Workers} threads x {Iterations} increments, ideal total {Workers * Iterations}");
        ctx.Out.WriteLine($"counter++ without a lock:   {Count(How.Unlocked)}");
        ctx.Out.WriteLine($"Interlocked.Increment:      {Count(How.Interlocked)}");
        ctx.Out.WriteLine($"lock (gate) {{ counter++ }}:  {Count(How.Lock)}");
        ctx.Out.WriteLine($"read, pause, write (two threads): {LostUpdateStepByStep(locked: false).Total} of 2");
        ctx.Out.WriteLine($"the same holding the lock:       {LostUpdateStepByStep(locked: true).Total} of 2");
        return Task.CompletedTask;
    }
}

using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// Forces the interleaving that loses an update, for the race demos (shared.race, shared.manager):
/// a race that depends on timing shows up some runs and not others; with events in between, each
/// interleaving runs on purpose and each outcome shows every time.
/// </summary>
internal static class Interleaving
{
    /// <summary>How long B is given to read while A holds the lock: it never should.</summary>
    private static readonly TimeSpan BlockedFor = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Runs read-then-write-plus-one on two threads: A reads and pauses, B tries; then A writes.
    /// With a <paramref name="gate"/>, each holds it across its read and write. Returns whether
    /// B read during A's pause.
    /// </summary>
    public static bool Run(Func<int> read, Action<int> write, Lock? gate)
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

        var a = new Thread(() => ReadPauseWrite(null, aRead, pause: true))
        {
            IsBackground = true,
        };
        var b = new Thread(() => ReadPauseWrite(bTrying, bRead, pause: false))
        {
            IsBackground = true,
        };
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
            bReadDuringPause = bRead.Wait(gate is not null ? BlockedFor : limit);
        }
        finally
        {
            goOn.Set(); // A may go on: it writes what it read, plus one
            finished = a.Join(limit) & (b.ThreadState == ThreadState.Unstarted || b.Join(limit));
        }
        return finished ? bReadDuringPause : throw new TimeoutException("a thread did not finish");
    }
}

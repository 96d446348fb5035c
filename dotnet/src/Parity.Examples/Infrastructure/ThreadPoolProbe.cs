namespace Parity.Examples.Infrastructure;

/// <summary>
/// How long a thread-pool work item waits to start while a PLINQ query or a Parallel.ForEach
/// loop of blocking bodies runs: the measurement behind parallel.foreach's output and tests.
/// </summary>
public static class ThreadPoolProbe
{
    /// <summary>What a thread-pool work item queued while a loop runs went through.</summary>
    /// <param name="Latency">from queueing the work item to its start</param>
    /// <param name="BodiesAtStart">loop bodies in flight when it started</param>
    /// <param name="ReleasedByProbe">the bodies still waited for it (none timed out)</param>
    public readonly record struct Probe(TimeSpan Latency, int BodiesAtStart, bool ReleasedByProbe);

    /// <summary>
    /// Runs <paramref name="items"/> bodies that block until a probe has run, with PLINQ (default
    /// degree) or Parallel.ForEach (default options); once the loop's first body is in, queues the
    /// probe to the thread pool and times how long it waits to start. <paramref name="cap"/> bounds
    /// every wait; the token stops the loop and its bodies.
    /// </summary>
    public static Probe ProbeWhileLooping(
        bool plinq, int items, TimeSpan cap, CancellationToken token = default)
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
                    var options = new ParallelOptions { CancellationToken = token };
                    Parallel.ForEach(Enumerable.Range(0, items), options, Body);
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

    /// <summary>One probe's latency, in milliseconds.</summary>
    public static double LatencyMs(bool plinq, int items, TimeSpan cap, CancellationToken token) =>
        ProbeWhileLooping(plinq, items, cap, token).Latency.TotalMilliseconds;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.scheduling: where a task runs. ConcurrentExclusiveSchedulerPair gives two schedulers
/// over one pool: tasks on the concurrent one run side by side (up to a limit: the built-in
/// limited-concurrency scheduler), a task on the exclusive one runs alone, like a writer under a
/// reader/writer lock. LongRunning asks for a dedicated thread instead of a pool thread. And
/// starvation: a task that blocks on work queued to its own exhausted scheduler waits forever
/// (here: until a timeout); on the real thread pool the same sync-over-async only ends because
/// the pool injects threads, slowly, which is what the last measurement shows.
/// </summary>
[Concept("further.scheduling")]
public static class Scheduling
{
    // <pair>
    /// <summary>
    /// Concurrent task A is running (held by a gate) when exclusive E and then concurrent B are
    /// queued; A is held for <paramref name="patience"/> more, time for E to start if it could.
    /// Returns the order of starts (+) and ends (-).
    /// </summary>
    public static async Task<List<string>> PairOrderAsync(TimeSpan patience, TimeSpan limit)
    {
        var pair = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 2);
        var log = new ConcurrentQueue<string>();
        using var aStarted = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        Task Start(TaskScheduler scheduler, string name, Action? body = null) => Task.Factory.StartNew(() =>
        {
            log.Enqueue($"{name}+");
            body?.Invoke();
            log.Enqueue($"{name}-");
        }, CancellationToken.None, TaskCreationOptions.None, scheduler);

        var a = Start(pair.ConcurrentScheduler, "A", () => { aStarted.Set(); gate.Wait(limit); });
        aStarted.Wait(limit);
        var e = Start(pair.ExclusiveScheduler, "E");
        var b = Start(pair.ConcurrentScheduler, "B");
        SpinWait.SpinUntil(() => log.Contains("E+"), patience); // it must not: A is still running
        gate.Set();
        await Task.WhenAll(a, e, b).WaitAsync(limit).ConfigureAwait(false);
        pair.Complete();
        return [.. log];
    }

    /// <summary>
    /// Runs <paramref name="count"/> blocking work items on a scheduler limited to <paramref name="limitTo"/>
    /// (over <paramref name="underlying"/>, the thread pool by default); once the limit is reached they
    /// are held for <paramref name="patience"/>, time for any extra item to start. Returns the peak.
    /// </summary>
    public static async Task<int> PeakOnLimitedSchedulerAsync(int limitTo, int count, TimeSpan patience, TimeSpan limit, TaskScheduler? underlying = null)
    {
        var scheduler = new ConcurrentExclusiveSchedulerPair(underlying ?? TaskScheduler.Default, limitTo).ConcurrentScheduler;
        var (running, peak) = (0, 0);
        using var full = new ManualResetEventSlim();
        using var overLimit = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var factory = new TaskFactory(scheduler);
        var work = Enumerable.Range(0, count).Select(_ => factory.StartNew(() =>
        {
            var now = Interlocked.Increment(ref running);
            lock (gate)
            {
                peak = Math.Max(peak, now);
            }
            (now == limitTo ? full : now > limitTo ? overLimit : null)?.Set();
            gate.Wait(limit);
            Interlocked.Decrement(ref running);
        })).ToArray();
        full.Wait(limit);
        overLimit.Wait(patience); // an uncapped scheduler would start a third item in this time
        gate.Set();
        await Task.WhenAll(work).WaitAsync(limit).ConfigureAwait(false);
        return peak;
    }
    // </pair>

    // <long-running>
    /// <summary>Is the body on a thread-pool thread? With and without LongRunning.</summary>
    public static async Task<(bool Default, bool LongRunning)> OnPoolThreadAsync()
    {
        var pooled = await Task.Factory.StartNew(() => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
        var dedicated = await Task.Factory.StartNew(() => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        return (pooled, dedicated);
    }
    // </long-running>

    // <starvation>
    /// <summary>
    /// On a scheduler with <paramref name="slots"/> slots, a task queues an inner task there, then
    /// blocks on it for up to <paramref name="patience"/> (or awaits it). Returns what happened, in
    /// order: with one slot a blocked outer task gives up before the inner one can run.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WaitOnQueuedAsync(
        int slots, bool block, TimeSpan patience, TimeSpan limit)
    {
        var pair = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, slots);
        var factory = new TaskFactory(pair.ConcurrentScheduler);
        var order = new ConcurrentQueue<string>();
        // Inside a task on this scheduler, StartNew and await continuations use it too
        // (TaskScheduler.Current), so the inner task needs a slot of its own.
        var outer = factory.StartNew(async () =>
        {
            var inner = factory.StartNew(() => order.Enqueue("inner ran"));
            if (block)
            {
                order.Enqueue(inner.Wait(patience) ? "outer's wait returned" : "outer gave up");
            }
            else
            {
                await inner;
                order.Enqueue("outer resumed");
            }
            return inner;
        }).Unwrap();
        await (await outer.WaitAsync(limit).ConfigureAwait(false)).WaitAsync(limit).ConfigureAwait(false);
        return [.. order];
    }

    /// <summary>
    /// Sync over async on the real pool: <paramref name="count"/> pool threads each block on a task
    /// whose continuation needs a pool thread. Measures how long they take, blocking and awaiting.
    /// </summary>
    public static async Task<(TimeSpan Blocking, TimeSpan Awaiting, int ThreadsBefore, int ThreadsAfter)> PoolStarvationAsync(int count, TimeSpan delay, TimeSpan limit)
    {
        static async Task<int> LibraryAsync(TimeSpan d)
        {
            await Task.Delay(d).ConfigureAwait(false); // the rest runs on a pool thread
            return 1;
        }
        var before = ThreadPool.ThreadCount;
        var watch = Stopwatch.StartNew();
        var blocking = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => LibraryAsync(delay).Result))).WaitAsync(limit).ConfigureAwait(false);
        var blockingTime = watch.Elapsed;
        var after = ThreadPool.ThreadCount;
        watch.Restart();
        var awaiting = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => LibraryAsync(delay)))).WaitAsync(limit).ConfigureAwait(false);
        if (blocking.Sum() != count || awaiting.Sum() != count)
        {
            throw new InvalidOperationException("a work item was lost");
        }
        return (blockingTime, watch.Elapsed, before, after);
    }
    // </starvation>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        ctx.Out.WriteLine($"concurrent A running, then exclusive E and concurrent B queued: {string.Join(" ", await PairOrderAsync(ctx.Seconds(0.5), limit).ConfigureAwait(false))}");
        ctx.Out.WriteLine($"8 blocking items on ConcurrentScheduler(max 2): at most {await PeakOnLimitedSchedulerAsync(2, 8, ctx.Seconds(0.5), limit).ConfigureAwait(false)} at once");
        var (pooled, dedicated) = await OnPoolThreadAsync().ConfigureAwait(false);
        ctx.Out.WriteLine($"on a pool thread? default {pooled}, LongRunning {dedicated}");
        var blocked = await WaitOnQueuedAsync(1, block: true, ctx.Seconds(1), limit).ConfigureAwait(false);
        var awaited = await WaitOnQueuedAsync(1, block: false, limit, limit).ConfigureAwait(false);
        ctx.Out.WriteLine($"one-slot scheduler, task blocks on a task queued behind it: {string.Join(", then ", blocked)}");
        ctx.Out.WriteLine($"the same with await: {string.Join(", then ", awaited)}");
        var count = Environment.ProcessorCount * 8; // far more blocked items than the pool has threads at first
        var (blocking, awaiting, threadsBefore, threadsAfter) = await PoolStarvationAsync(count, ctx.Seconds(0.1), limit).ConfigureAwait(false);
        ctx.Out.WriteLine($"{count} pool items doing .Result on a {ctx.Seconds(0.1).TotalMilliseconds:0} ms call: {blocking.TotalSeconds:0.00} s (pool threads {threadsBefore} -> {threadsAfter}); awaiting instead: {awaiting.TotalSeconds:0.00} s");
    }
    // </run>
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>further.scheduling: where a task runs. A scheduler pair runs concurrent tasks side by
/// side up to a limit, exclusive ones alone; LongRunning gets its own thread; a task that blocks on
/// work queued behind it on its full scheduler starves, like sync-over-async on a pool.</summary>
[Concept("further.scheduling")]
public static class Scheduling
{
    // <pair>
    /// <summary>Concurrent A runs (held by a gate) when exclusive E, then concurrent B, are queued;
    /// A is held <paramref name="patience"/> more. The order of starts (+) and ends (-).</summary>
    public static async Task<List<string>> PairOrderAsync(TimeSpan patience, TimeSpan limit)
    {
        var pair = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 2);
        var log = new ConcurrentQueue<string>();
        using ManualResetEventSlim aStarted = new(), gate = new();
        Task Start(TaskScheduler scheduler, string name, Action? body = null) => Task.Factory.StartNew(
            () => { log.Enqueue($"{name}+"); body?.Invoke(); log.Enqueue($"{name}-"); },
            CancellationToken.None, TaskCreationOptions.None, scheduler);

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

    /// <summary><paramref name="count"/> blocking items on a scheduler limited to
    /// <paramref name="limitTo"/>, held <paramref name="patience"/> once it is full, time for an
    /// extra one to start. The peak.</summary>
    public static async Task<int> PeakOnLimitedSchedulerAsync(
        int limitTo, int count, TimeSpan patience, TimeSpan limit, TaskScheduler? underlying = null)
    {
        var pair = new ConcurrentExclusiveSchedulerPair(underlying ?? TaskScheduler.Default, limitTo);
        var running = new ConcurrencyMeter("item running");
        using ManualResetEventSlim full = new(), overLimit = new(), gate = new();
        var factory = new TaskFactory(pair.ConcurrentScheduler);
        var work = Enumerable.Range(0, count).Select(_ => factory.StartNew(() =>
        {
            var now = running.Enter();
            try
            {
                (now == limitTo ? full : now > limitTo ? overLimit : null)?.Set();
                gate.Wait(limit);
            }
            finally
            {
                running.Exit();
            }
        })).ToArray();
        full.Wait(limit);
        overLimit.Wait(patience); // an uncapped scheduler would start a third item in this time
        gate.Set();
        await Task.WhenAll(work).WaitAsync(limit).ConfigureAwait(false);
        return running.Max;
    }
    // </pair>

    // <long-running>
    /// <summary>Is the body on a thread-pool thread? With and without LongRunning.</summary>
    public static async Task<(bool Default, bool LongRunning)> OnPoolThreadAsync()
    {
        Task<bool> OnPool(TaskCreationOptions options) => Task.Factory.StartNew(
            () => Thread.CurrentThread.IsThreadPoolThread,
            CancellationToken.None, options, TaskScheduler.Default);
        return (await OnPool(TaskCreationOptions.None).ConfigureAwait(false),
            await OnPool(TaskCreationOptions.LongRunning).ConfigureAwait(false));
    }
    // </long-running>

    // <starvation>
    /// <summary>On a scheduler of <paramref name="slots"/> slots a task queues an inner one there, then
    /// blocks on it up to <paramref name="patience"/> (or awaits it). What ran, in order.</summary>
    public static async Task<string[]> QueueBehindAsync(
        int slots, bool block, TimeSpan patience, TimeSpan limit)
    {
        var factory = new TaskFactory(
            new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, slots).ConcurrentScheduler);
        var order = new ConcurrentQueue<string>();
        // Inside a task on this scheduler, StartNew and await continuations use it too.
        var outer = factory.StartNew(async () =>
        {
            var inner = factory.StartNew(() => order.Enqueue("inner ran"));
            await (block ? Task.CompletedTask : inner);
            order.Enqueue(!block ? "outer resumed"
                : inner.Wait(patience) ? "outer's wait returned" : "outer gave up");
            return inner;
        }).Unwrap();
        var queued = await outer.WaitAsync(limit).ConfigureAwait(false);
        await queued.WaitAsync(limit).ConfigureAwait(false);
        return [.. order];
    }

    /// <summary>Sync over async on the real pool: <paramref name="count"/> pool threads each block on
    /// a task whose continuation needs a pool thread. The time taken, blocking and awaiting.</summary>
    public static async Task<(TimeSpan Blocking, TimeSpan Awaiting, int ThreadsBefore,
        int ThreadsAfter)> PoolStarvationAsync(int count, TimeSpan delay, TimeSpan limit)
    {
        static async Task<int> LibraryAsync(TimeSpan d)
        {
            await Task.Delay(d).ConfigureAwait(false); // the rest runs on a pool thread
            return 1;
        }
        Task<int[]> AllAsync(Func<Task<int>> start) =>
            Task.WhenAll(Enumerable.Range(0, count).Select(_ => start())).WaitAsync(limit);
        var (before, watch) = (ThreadPool.ThreadCount, Stopwatch.StartNew());
        var blocking = await AllAsync(() => Task.Run(() => LibraryAsync(delay).Result))
            .ConfigureAwait(false);
        var (blockingTime, after) = (watch.Elapsed, ThreadPool.ThreadCount);
        watch.Restart();
        var awaiting = await AllAsync(() => Task.Run(() => LibraryAsync(delay)))
            .ConfigureAwait(false);
        return blocking.Sum() == count && awaiting.Sum() == count
            ? (blockingTime, watch.Elapsed, before, after)
            : throw new InvalidOperationException("a work item was lost");
    }
    // </starvation>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var (half, second, limit) = (ctx.Seconds(0.5), ctx.Seconds(1), Timeouts.Short);
        ctx.Out.WriteLine("concurrent A running, then exclusive E and concurrent B queued: "
            + string.Join(" ", await PairOrderAsync(half, limit).ConfigureAwait(false)));
        var peak = await PeakOnLimitedSchedulerAsync(2, 8, half, limit).ConfigureAwait(false);
        ctx.Out.WriteLine($"8 blocking items on ConcurrentScheduler(max 2): at most {peak} at once");
        var (pooled, dedicated) = await OnPoolThreadAsync().ConfigureAwait(false);
        ctx.Out.WriteLine($"on a pool thread? default {pooled}, LongRunning {dedicated}");
        var blocked = await QueueBehindAsync(1, block: true, second, limit).ConfigureAwait(false);
        var awaited = await QueueBehindAsync(1, block: false, limit, limit).ConfigureAwait(false);
        ctx.Out.WriteLine("one-slot scheduler, task blocks on a task queued behind it: "
            + string.Join(", then ", blocked));
        ctx.Out.WriteLine($"the same with await: {string.Join(", then ", awaited)}");
        var count = Environment.ProcessorCount * 8; // far more than the pool's threads at first
        var (blocking, awaiting, before, after) =
            await PoolStarvationAsync(count, ctx.Seconds(0.1), limit).ConfigureAwait(false);
        ctx.Out.WriteLine($"{count} pool items doing .Result on a "
            + $"{ctx.Seconds(0.1).TotalMilliseconds:0} ms call: {blocking.TotalSeconds:0.00} s "
            + $"(pool threads {before} -> {after}); awaiting instead: {awaiting.TotalSeconds:0.00} s");
    }
    // </run>
}

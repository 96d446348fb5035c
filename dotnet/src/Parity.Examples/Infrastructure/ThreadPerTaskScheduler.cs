using System.Collections.Concurrent;

namespace Parity.Examples.Infrastructure;

/// <summary>Runs each task on a new thread: no pool, no injection delay.</summary>
public sealed class ThreadPerTaskScheduler : TaskScheduler
{
    private readonly ConcurrentDictionary<Task, byte> _queued = new();
    private int _everQueued;

    /// <summary>How many tasks were ever queued here: each got a thread of its own.</summary>
    public int EverQueued => Volatile.Read(ref _everQueued);

    protected override void QueueTask(Task task)
    {
        Interlocked.Increment(ref _everQueued);
        _queued.TryAdd(task, 0);
        new Thread(() =>
        {
            _queued.TryRemove(task, out _);
            TryExecuteTask(task);
        })
        { IsBackground = true }.Start();
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queued.Keys;
}

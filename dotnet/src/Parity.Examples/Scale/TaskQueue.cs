using System.Globalization;
using Parity.Examples.Infrastructure;
using Parity.Examples.Scale.Queue;
using StackExchange.Redis;

namespace Parity.Examples.Scale;

/// <summary>
/// scale.task-queue: the article's master/worker job on a Redis stream, .NET and Python workers in
/// one consumer group. At least once: an entry stays pending until acknowledged (XACK); a dead
/// worker's entry is claimed once idle (XAUTOCLAIM), a live one renews its lease. HSETNX keeps the
/// first result. A task that throws is retried with backoff, then dead-lettered. See Scale/Queue.
/// </summary>
[Concept("scale.task-queue")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The slug.")]
public static class TaskQueue
{
    public const string Language = "dotnet";
    public const int ClaimIdleMs = 5000, MaxDeliveries = 3, MaxAttempts = 3, Backlog = 1000;

    // <worker>
    /// <summary>One task at a time: one abandoned by a dead worker first, else a new one.</summary>
    public sealed class Worker(IDatabase db, Keys keys, string? name = null,
        int claimIdleMs = ClaimIdleMs, int maxDeliveries = MaxDeliveries,
        int maxAttempts = MaxAttempts, int timeLimitMs = 0, Action<string>? say = null,
        Func<TaskMessage, CancellationToken, Task>? work = null)
    {
        private readonly Action<string> _say = say ?? Console.WriteLine;
        private RedisValue _cursor = "0-0"; // XAUTOCLAIM's cursor carries over between calls

        public string Name { get; } = QueueOps.WorkerName(Language, name);

        /// <summary>Until cancelled; a server that restarts is waited for.</summary>
        public async Task RunAsync(CancellationToken token)
        {
            await QueueOps.EnsureGroupAsync(db, keys);
            _say($"worker {Name} ready");
            while (!token.IsCancellationRequested)
            {
                if (!await QueueOps.ReconnectingAsync(db, keys, () => StepAsync(token), _say, token))
                {
                    await QueueOps.PauseAsync(QueueOps.Poll, token); // no BLOCK here: idle ones poll
                }
            }
            await QueueOps.LeaveAsync(db, keys, Name);
        }

        /// <summary>Handles at most one task; false when there was none.</summary>
        public async Task<bool> StepAsync(CancellationToken token)
        {
            var got = await ClaimAsync() ?? QueueOps.First(
                await db.StreamReadGroupAsync(keys.Tasks, keys.Group, Name, ">", 1)); // new ones
            if (got is null)
            {
                return await QueueOps.PromoteDueAsync(db, keys) > 0; // retries whose pause is over
            }
            if (got.Deliveries > 0) // 0: its holder finished it meanwhile, nothing to do
            {
                await HandleAsync(got, token);
            }
            return true;
        }

        /// <summary>An entry another worker left idle past the claim idle time, now ours.</summary>
        public async Task<Delivery?> ClaimAsync()
        {
            // The cursor carries over: one XAUTOCLAIM scans at most ten pending entries (COUNT 1).
            (_cursor, var got) = await QueueOps.ClaimOneAsync(db, keys, Name, claimIdleMs, _cursor);
            if (got is { Deliveries: 0 }) // XPENDING has it no more: acknowledged meanwhile
            {
                _say($"{got.EntryId} was finished by its holder meanwhile");
            }
            return got;
        }

        private async Task HandleAsync(Delivery d, CancellationToken token)
        {
            var (task, bad) = QueueOps.Decode(d.Raw); // strictly UTF-8, as Python reads it
            if (task is null || d.Deliveries > maxDeliveries) // bad bytes, or its workers keep dying
            {
                bad ??= "too many deliveries";
                _say(await QueueOps.DeadLetterAsync(db, keys, Name, d, task, bad)); // byte for byte
                return;
            }
            _say($"holding {task.Run}/{task.Seq} (delivery {d.Deliveries}, try {d.Attempt + 1})");
            var outcome = await Guard.RunAsync(db, keys, Name, d.EntryId, claimIdleMs, timeLimitMs,
                _say, guarded => (work ?? QueueOps.SimulatedWork)(task, guarded), token); // leased
            if (outcome.Stopped)
            {
                await QueueOps.HandBackAsync(db, keys, Name, d); // the next worker takes it at once
            }
            else if (outcome.Error is { } why) // retried after a growing pause, or given up on
            {
                _say(await QueueOps.FailedAsync(db, keys, Name, d, task, why, maxAttempts));
            }
            else
            {
                await RecordAsync(d.EntryId, task);
            }
        }

        /// <summary>Records the result once (HSETNX); a later finish counts as a duplicate.</summary>
        public async Task RecordAsync(string entryId, TaskMessage task)
        {
            var seq = task.Seq.ToString(CultureInfo.InvariantCulture);
            var result = Messages.Encode(new ResultMessage(task.Run, task.Seq, task.N, task.N * task.N,
                Name, Language));
            var first = await db.HashSetAsync(keys.Results(task.Run), seq, result, When.NotExists);
            var tx = db.CreateTransaction();
            if (!first) // finished before by a worker presumed dead: count it, change nothing
            {
                _ = tx.HashIncrementAsync(keys.Duplicates(task.Run), seq);
                _ = tx.KeyExpireAsync(keys.Duplicates(task.Run), QueueOps.RunTtl);
            }
            _ = tx.KeyExpireAsync(keys.Results(task.Run), QueueOps.RunTtl);
            _ = tx.StreamAcknowledgeAsync(keys.Tasks, keys.Group, entryId);
            _ = tx.StreamDeleteAsync(keys.Tasks, [entryId]);
            await tx.ExecuteAsync();
        }
    }
    // </worker>

    // <submit>
    /// <summary>Adds the tasks; while <paramref name="backlog"/> are unfinished, waits.</summary>
    public static async Task PutTasksAsync(IDatabase db, Keys keys, string run, int count,
        int taskMs, IReadOnlySet<int>? fail = null, int backlog = Backlog, TimeSpan? timeout = null,
        CancellationToken token = default)
    {
        await QueueOps.EnsureGroupAsync(db, keys);
        var deadline = DateTime.UtcNow + (timeout ?? Timeouts.Long);
        for (var seq = 0; seq < count; seq++)
        {
            while (await db.StreamLengthAsync(keys.Tasks) >= backlog) // finished ones are deleted
            {
                await QueueOps.HoldBackAsync(backlog, deadline, token); // back-pressure
            }
            var task = new TaskMessage(run, seq, seq, taskMs, fail?.Contains(seq) ?? false);
            await db.StreamAddAsync(keys.Tasks, "task", Messages.Encode(task), maxLength: QueueOps.Cap);
        }
    }
    // </submit>

    public static Task RunAsync(ConceptContext ctx) => Demo.RunAsync(ctx); // Queue/Demo.cs
}

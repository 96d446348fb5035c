using Parity.Examples.Infrastructure;
using Parity.Examples.Scale;
using Parity.Examples.Scale.Queue;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

/// <summary>The worker and the submitter against a live server: the same behaviours the Python
/// suite checks (python/tests/scale/test_task_queue.py), each forced in order.</summary>
public sealed class TaskQueueTests
{
    private static Keys FreshKeys() => new($"test-{Guid.NewGuid():N}");

    private static readonly Action<string> Quiet = _ => { };

    /// <summary>Steps until one handles something (a retry's pause has to pass first).</summary>
    private static async Task StepUntilAsync(TaskQueue.Worker worker, Func<Task<bool>> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < Timeouts.Short, "nothing happened within Timeouts.Short");
            if (!await worker.StepAsync(CancellationToken.None))
            {
                await Task.Delay(QueueOps.Poll);
            }
        }
    }

    [SkippableFact]
    public async Task MixedRun_WorkerKilledMidTask_EveryTaskHasExactlyOneResult()
    {
        await using var redis = await RedisForTest.StartAsync();
        var python = WorkerProcess.FindPython();

        var mixed = await Demo.MixedRunAsync(redis.Address, 12, 50, 300, FreshKeys(), python, CancellationToken.None);

        Assert.True(mixed.Report.Ok, mixed.Report.Line());
        Assert.Equal(Enumerable.Range(0, 12), mixed.Report.Results.Keys.Order());
        var seq = int.Parse(mixed.Killed.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(mixed.KilledWorker, mixed.Report.Results[seq].Worker);
        Assert.DoesNotContain(mixed.KilledWorker, mixed.Report.Results.Values.Select(r => r.Worker));
        Assert.Equal(python is null ? ["dotnet"] : ["dotnet", "python"], mixed.Languages);
    }

    [SkippableFact]
    public async Task Record_SameTaskFinishedTwice_CountsOnce()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "twice", 1, 0);
        var first = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", say: Quiet);
        var second = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", say: Quiet);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-a", StreamPosition.NewMessages, 1));
        var task = new TaskMessage("twice", 0, 0, 0);

        await first.RecordAsync(entry.Id!, task);
        await second.RecordAsync(entry.Id!, task); // the same task, finished again by a worker that claimed it

        var report = await Reports.CollectAsync(redis.Db, keys, "twice", 1, Timeouts.Short);
        Assert.Equal("dotnet-a", report.Results[0].Worker); // the first result stands
        Assert.Equal((1, 1L, true), (report.Results.Count, report.Duplicates, report.Ok));
    }

    [SkippableFact]
    public async Task Lease_LongHealthyTask_IsNeverClaimedByAnother()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        // Renewed every third of it: at 150, 400 and 1000 ms a renewal came late enough under load
        // (a fresh-clone CI run beside other test runs) for the other worker to claim the task.
        const int idleMs = 3000;
        await TaskQueue.PutTasksAsync(redis.Db, keys, "lease", 1, 0);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", idleMs,
            say: line => { if (line.StartsWith("holding", StringComparison.Ordinal)) { holding.TrySetResult(); } },
            work: (_, token) => gate.Task.WaitAsync(Timeouts.Short, token));
        var other = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", idleMs, say: Quiet);
        var held = holder.StepAsync(CancellationToken.None);
        try
        {
            await holding.Task.WaitAsync(Timeouts.Short);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The other worker polls for two claim-idle periods while the task is held: without a
            // renewal it would have claimed the task after the first.
            while (clock.ElapsedMilliseconds < 2 * idleMs)
            {
                Assert.False(await other.StepAsync(CancellationToken.None), "the held task was claimed by another worker");
                await Task.Delay(QueueOps.Poll);
            }
            var pending = Assert.Single(await redis.Db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 10, RedisValue.Null));
            Assert.Equal(("dotnet-a", 1), (pending.ConsumerName.ToString(), pending.DeliveryCount)); // JUSTID
        }
        finally
        {
            gate.TrySetResult();
        }
        Assert.True(await held.WaitAsync(Timeouts.Short));

        var report = await Reports.CollectAsync(redis.Db, keys, "lease", 1, Timeouts.Short);
        Assert.Equal("dotnet-a", report.Results[0].Worker);
        Assert.Equal((1, 0L, 0L, true), (report.Results.Count, report.Duplicates, report.Dead, report.Ok));
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Dead));
    }

    [SkippableFact]
    public async Task Claim_HolderAcknowledgesMeanwhile_NothingIsDeadLettered()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "race", 1, 0);
        var lines = new List<string>();
        var holder = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", say: Quiet);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-a", StreamPosition.NewMessages, 1));
        // XAUTOCLAIM hands the entry to dotnet-b; between it and XPENDING, its holder finishes it.
        var racing = Intercept.Before(redis.Db, nameof(IDatabase.StreamPendingMessagesAsync),
            () => holder.RecordAsync(entry.Id!, new TaskMessage("race", 0, 0, 0)));
        var claimer = new TaskQueue.Worker(racing, keys, "dotnet-b", claimIdleMs: 0, say: lines.Add);

        Assert.True(await claimer.StepAsync(CancellationToken.None)); // XPENDING finds nothing: nothing to do

        Assert.Equal([$"{entry.Id} was finished by its holder meanwhile"], lines);
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Dead));
        var report = await Reports.CollectAsync(redis.Db, keys, "race", 1, Timeouts.Short);
        Assert.Equal((1, 0L, true), (report.Results.Count, report.Dead, report.Ok));
    }

    [SkippableFact]
    public async Task Collect_TaskWithResultAndDeadLetter_CountsOnce()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        var result = new ResultMessage("both", 0, 0, 0, "dotnet-a", "dotnet");
        await redis.Db.HashSetAsync(keys.Results("both"), "0", Messages.Encode(result));
        await redis.Db.HashSetAsync(keys.DeadInRun("both"), [new("0", "x"), new("1", "x")]); // task 0 finished and dead-lettered

        var report = await Reports.CollectAsync(redis.Db, keys, "both", 2, Timeouts.Short);

        Assert.Equal((1, 1L, 1), (report.Results.Count, report.Dead, report.Missing));
    }

    [SkippableFact]
    public async Task FailingTask_IsRetriedWithBackoffApartFromRedelivery_ThenDeadLettered()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "poison", 1, 0, new HashSet<int> { 0 });
        var lines = new List<string>();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: lines.Add);

        await StepUntilAsync(worker, async () => await redis.Db.StreamLengthAsync(keys.Dead) > 0);

        var fails = lines.Where(l => l.StartsWith("failed poison/0", StringComparison.Ordinal)).Select(l => l.Split(": ")[^1]);
        Assert.Equal(["attempt 2 in 100 ms", "attempt 3 in 200 ms"], fails);
        Assert.Equal("dead-lettered poison/0: failed 3 times: InvalidOperationException: the task asked to fail", lines[^1]);
        Assert.All(lines.Where(l => l.StartsWith("holding", StringComparison.Ordinal)), l => Assert.Contains("(delivery 1,", l, StringComparison.Ordinal));
        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(Messages.Encode(new TaskMessage("poison", 0, 0, 0, true)), dead["task"].ToString());
        Assert.Equal(("1", "2", "dotnet-w"), (dead["deliveries"].ToString(), dead["attempt"].ToString(), dead["worker"].ToString()));
        Assert.Equal((0L, 0L), (await redis.Db.StreamLengthAsync(keys.Tasks), await redis.Db.SortedSetLengthAsync(keys.Retry)));
        var report = await Reports.CollectAsync(redis.Db, keys, "poison", 1, Timeouts.Short);
        Assert.Equal((1L, 1, false), (report.Dead, report.Missing, report.Ok));
    }

    [SkippableFact]
    public async Task RetryLater_ParksTheTaskUntilItsPauseIsOver()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "pause", 1, 0);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "w", ">", 1));
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await QueueOps.RetryLaterAsync(redis.Db, keys, QueueOps.ToDelivery(entry, 1), QueueOps.BackoffMs(2));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var parked = Assert.Single(await redis.Db.SortedSetRangeByRankWithScoresAsync(keys.Retry));
        Assert.InRange(parked.Score, before + 400, after + 400);
        Assert.StartsWith("1 {", parked.Element.ToString(), StringComparison.Ordinal); // one attempt failed so far
        Assert.Equal(0, await QueueOps.PromoteDueAsync(redis.Db, keys)); // not due yet
    }

    [SkippableFact]
    public async Task TaskWhoseWorkersKeepDying_IsDeadLetteredAfterMaxDeliveries()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "dying", 1, 0);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-dead", ">", 1));
        // Three workers took it and died: delivered 3 times, idle since.
        await redis.Db.ExecuteAsync("XCLAIM", keys.Tasks, keys.Group, "dotnet-dead", 0, entry.Id,
            "IDLE", 60_000, "RETRYCOUNT", TaskQueue.MaxDeliveries, "JUSTID");
        var lines = new List<string>();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: lines.Add);

        Assert.True(await worker.StepAsync(CancellationToken.None)); // XAUTOCLAIM: the 4th delivery

        Assert.Equal(["dead-lettered dying/0: too many deliveries"], lines);
        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(("4", "0"), (dead["deliveries"].ToString(), dead["attempt"].ToString()));
    }

    [SkippableFact]
    public async Task TaskOverItsTimeLimit_IsCancelledAndRetried()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "slow", 1, 600_000); // ten minutes, far over the limit
        var lines = new List<string>();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", timeLimitMs: 50, say: lines.Add);

        Assert.True(await worker.StepAsync(CancellationToken.None));

        Assert.Equal("failed slow/0 (over the time limit of 50 ms): attempt 2 in 100 ms", lines[^1]);
        Assert.Equal((0L, 1L), (await redis.Db.StreamLengthAsync(keys.Tasks), await redis.Db.SortedSetLengthAsync(keys.Retry)));
    }

    [SkippableFact]
    public async Task Stop_HandsTheTaskBackAtOnce()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "stop", 1, 600_000); // far longer than the test
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", say: _ => holding.TrySetResult());
        var step = worker.StepAsync(stop.Token);
        await holding.Task.WaitAsync(Timeouts.Short);

        await stop.CancelAsync(); // SIGTERM's effect: the work is cancelled, the task handed back
        Assert.True(await step.WaitAsync(Timeouts.Short));

        var lines = new List<string>();
        // The default claim idle time is 5 s; the handed-back entry is taken at once.
        var other = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", say: lines.Add, work: (_, _) => Task.CompletedTask);
        Assert.True(await other.StepAsync(CancellationToken.None));
        Assert.Equal(["holding stop/0 (delivery 1, try 1)"], lines); // the count it had before the stop
        Assert.True((await Reports.CollectAsync(redis.Db, keys, "stop", 1, Timeouts.Short)).Ok);
    }

    [SkippableFact]
    public async Task ClaimCursor_CarriesOverPastTheFirstTenPendingEntries()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "cursor", 15, 0);
        var read = await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-live", ">", 15);
        var abandoned = read[14].Id; // the 15th: its holder died long ago; the first 14 are fresh
        await redis.Db.ExecuteAsync("XCLAIM", keys.Tasks, keys.Group, "dotnet-dead", 0, abandoned, "IDLE", 600_000, "JUSTID");
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", claimIdleMs: 60_000, say: Quiet);

        var first = await worker.ClaimAsync(); // scans ten entries (COUNT 1 x 10): none idle enough
        var second = await worker.ClaimAsync(); // from where the first stopped

        Assert.Null(first);
        Assert.Equal(abandoned.ToString(), second?.EntryId);
    }

    [SkippableFact]
    public async Task EntryTrimmedWhilePending_IsRecordedNotDropped()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "trim", 2, 0);
        var entries = await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-dead", ">", 2);
        await redis.Db.ExecuteAsync("XCLAIM", keys.Tasks, keys.Group, "dotnet-dead", 0, entries[0].Id, entries[1].Id,
            "IDLE", 600_000, "JUSTID"); // their holder died long ago
        await redis.Db.StreamTrimAsync(keys.Tasks, 1); // MAXLEN drops the oldest, pending or not
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", claimIdleMs: 60_000, say: Quiet, work: (_, _) => Task.CompletedTask);

        Assert.Null(await worker.ClaimAsync()); // the trimmed one counts for COUNT 1: recorded, nothing claimed
        Assert.True(await worker.StepAsync(CancellationToken.None)); // the next claim, from the cursor

        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(entries[0].Id.ToString(), dead["entry"].ToString());
        Assert.Equal("trimmed from the stream (MAXLEN) while pending: its task is gone", dead["reason"].ToString());
        Assert.Equal(0, (await redis.Db.StreamPendingAsync(keys.Tasks, keys.Group)).PendingMessageCount);
    }

    [SkippableTheory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x76, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x72, 0x75, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x76, 0x22, 0x3A, 0x32, 0x7D })]
    public async Task MalformedTask_IsDeadLetteredOnceByteForByte(byte[] raw)
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await QueueOps.EnsureGroupAsync(redis.Db, keys);
        await redis.Db.StreamAddAsync(keys.Tasks, "task", raw);
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: Quiet);

        Assert.True(await worker.StepAsync(CancellationToken.None));

        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(raw, (byte[]?)dead["task"]);
        Assert.Equal("1", dead["deliveries"].ToString());
        Assert.StartsWith("bad message: ", dead["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Tasks));
        Assert.Equal(0, (await redis.Db.StreamPendingAsync(keys.Tasks, keys.Group)).PendingMessageCount);
    }

    [SkippableFact]
    public async Task PerRunKeys_Expire_AndACleanStopRemovesAnIdleConsumer()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "ttl", 2, 0, new HashSet<int> { 1 });
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: Quiet);
        await StepUntilAsync(worker, () => redis.Db.KeyExistsAsync(keys.DeadInRun("ttl"))); // task 1 fails until dead
        await worker.RecordAsync("0-1", new TaskMessage("ttl", 0, 0, 0)); // a second finish: a duplicate
        foreach (var key in new[] { keys.Results("ttl"), keys.Duplicates("ttl"), keys.DeadInRun("ttl") })
        {
            var ttl = await redis.Db.KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.Zero && ttl <= QueueOps.RunTtl, $"{key}: {ttl}");
        }
        await TaskQueue.PutTasksAsync(redis.Db, keys, "held", 1, 0);
        await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-h", StreamPosition.NewMessages, 1); // dotnet-h holds it

        var stopped = new CancellationToken(canceled: true);
        await worker.RunAsync(stopped); // a clean stop: dotnet-w holds nothing and leaves the group
        await new TaskQueue.Worker(redis.Db, keys, "dotnet-h", say: Quiet).RunAsync(stopped);

        var consumers = await redis.Db.StreamConsumerInfoAsync(keys.Tasks, keys.Group);
        Assert.Equal(["dotnet-h"], consumers.Select(c => c.Name.ToString()));
    }

    [SkippableFact]
    public async Task Collect_ReadsTheResultsInPages()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        var results = Enumerable.Range(0, 2500)
            .Select(s => new HashEntry(s, Messages.Encode(new ResultMessage("big", s, s, (long)s * s, "dotnet-a", "dotnet")))).ToArray();
        await redis.Db.HashSetAsync(keys.Results("big"), results);
        var noWholeHash = Intercept.Before(redis.Db, nameof(IDatabase.HashGetAllAsync),
            () => throw new InvalidOperationException("HGETALL reads a whole hash at once"));

        var report = await Reports.CollectAsync(noWholeHash, keys, "big", 2500, Timeouts.Short);

        Assert.Equal((2500, true), (report.Results.Count, report.Ok));
    }

    [SkippableFact]
    public async Task Collect_WithProgress_SaysDoneInFlightWaitingAndDead()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "slow", 3, 0);
        await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-h", ">", 1); // one in flight
        var lines = new List<string>();

        var report = await Reports.CollectAsync(redis.Db, keys, "slow", 3, TimeSpan.FromMilliseconds(300), lines.Add);

        Assert.Equal("progress: done=0/3 dead=0 queue: in-flight=1 waiting=2 retrying=0", lines[0]);
        Assert.Equal((3, 0L), (report.Missing, report.Lost)); // slow, not lost: all still in the stream
    }

    [SkippableFact]
    public async Task PutTasks_StreamHoldsTheBacklog_WaitsThenTimesOut()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            TaskQueue.PutTasksAsync(redis.Db, keys, "full", 10, 0, backlog: 3, timeout: TimeSpan.FromMilliseconds(200)));

        Assert.StartsWith("the stream stayed full (3 tasks)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, await redis.Db.StreamLengthAsync(keys.Tasks));
    }

    [SkippableFact]
    public async Task DeadLetters_ListAndRedrive_PutTheTaskBackAsAFreshOne()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "again", 1, 0);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "w", ">", 1));
        await QueueOps.DeadLetterAsync(redis.Db, keys, "dotnet-w", QueueOps.ToDelivery(entry, 4), Messages.DecodeTask(entry["task"].ToString()), "too many deliveries");

        var listed = Assert.Single(await DeadLetters.ListAsync(redis.Db, keys));
        var (moved, missing) = await DeadLetters.RedriveAsync(redis.Db, keys, [listed.Split(' ')[0], "0-1"]);
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: Quiet, work: (_, _) => Task.CompletedTask);
        Assert.True(await worker.StepAsync(CancellationToken.None));

        Assert.EndsWith(" deliveries=4 attempt=0 worker=dotnet-w reason: too many deliveries", listed, StringComparison.Ordinal);
        Assert.Equal(1, moved);
        Assert.Equal(["0-1"], missing);
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Dead));
        var report = await Reports.CollectAsync(redis.Db, keys, "again", 1, Timeouts.Short);
        Assert.Equal((1, 0L, true), (report.Results.Count, report.Dead, report.Ok)); // counted again, once
    }

    [SkippableFact]
    public async Task ServerRestartedWithAppendOnlyFile_WorkerRidesItOutAndNothingIsLost()
    {
        await using var redis = await RedisForTest.StartPrivateAsync(appendOnly: true);
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "before", 3, 0);
        await redis.Server!.RestartAsync(kill: true, CancellationToken.None); // SIGKILL: no shutdown save
        using var stop = new CancellationTokenSource();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: Quiet);
        var running = worker.RunAsync(stop.Token);
        try
        {
            var before = await Reports.CollectAsync(redis.Db, keys, "before", 3, Timeouts.Short);
            await redis.Server.RestartAsync(kill: true, CancellationToken.None); // while the worker runs
            await TaskQueue.PutTasksAsync(redis.Db, keys, "after", 3, 0);
            var after = await Reports.CollectAsync(redis.Db, keys, "after", 3, Timeouts.Short);

            Assert.True(before.Ok, before.Line()); // the tasks came back from the append-only file
            Assert.True(after.Ok, after.Line()); // and the worker went on after the restart
            Assert.False(running.IsCompleted);
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(Timeouts.Short);
        }
    }

    [SkippableFact]
    public async Task ServerRestartedWithoutPersistence_SubmitTellsLostFromSlow()
    {
        await using var redis = await RedisForTest.StartPrivateAsync(appendOnly: false);
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "gone", 3, 0);

        await redis.Server!.RestartAsync(kill: true, CancellationToken.None); // an empty server comes back
        var report = await Reports.CollectAsync(redis.Db, keys, "gone", 3, TimeSpan.Zero);

        Assert.Equal((3, 3L), (report.Missing, report.Lost));
        Assert.StartsWith("tasks=3 results=0 missing=3 lost=3 ", report.Line(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RoleUsers_ConfigAndForeignKeys_AreRefusedByTheServer()
    {
        RedisForTest.SkipOrFail(Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is { Length: > 0 },
            "PARITY_REDIS_URL names an outside server: creating users there is not ours to do");
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await redis.Db.ExecuteAsync("ACL", QueueOps.AclSetUser("worker", "w-pass", QueueOps.WorkerAcl, keys));
        await redis.Db.ExecuteAsync("ACL", QueueOps.AclSetUser("submitter", "s-pass", QueueOps.SubmitterAcl, keys));

        foreach (var (user, password, ownWrite, foreignWrite) in new (string, string, object[], object[])[]
        {
            ("worker", "w-pass", ["HSETNX", $"{keys.Ns}:run:r:results", "0", "x"], ["HSETNX", "other:results", "0", "x"]),
            ("submitter", "s-pass", ["DEL", $"{keys.Ns}:run:r:results"], ["DEL", "other:results"]),
        })
        {
            var role = redis.Address with { User = user, Password = password };
            // The queue's own options connect without CONFIG (the client is told it is unavailable).
            await using (await ConnectionMultiplexer.ConnectAsync(role.Options()))
            {
            }
            // A client that does try CONFIG is refused by the server itself.
            var raw = role.Options();
            raw.CommandMap = CommandMap.Default;
            raw.AllowAdmin = true; // else the client itself refuses CONFIG
            await using var connection = await ConnectionMultiplexer.ConnectAsync(raw);
            var db = connection.GetDatabase();
            var config = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("CONFIG", "GET", "requirepass"));
            Assert.StartsWith("NOPERM", config.Message, StringComparison.Ordinal);
            // The same command the role has: allowed on its own namespace, refused on another key.
            await db.ExecuteAsync((string)ownWrite[0], ownWrite[1..]);
            var foreign = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync((string)foreignWrite[0], foreignWrite[1..]));
            Assert.StartsWith("NOPERM", foreign.Message, StringComparison.Ordinal);
        }
        Assert.False(await redis.Db.KeyExistsAsync("other:results"));
    }

    [SkippableFact]
    public async Task PrivateServer_NoPassword_IsRefused()
    {
        RedisForTest.SkipOrFail(Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is { Length: > 0 }, "PARITY_REDIS_URL names an outside server");
        await using var redis = await RedisForTest.StartAsync();

        Assert.Equal("127.0.0.1", redis.Address.Host);
        var options = (redis.Address with { Password = null }).Options();
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(options));
        Assert.Contains("NOAUTH", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Worker_WrongPassword_ExitsTwo()
    {
        await using var redis = await RedisForTest.StartAsync();
        var url = (redis.Address with { Password = "wrong" }).Redacted().Replace("***", "wrong", StringComparison.Ordinal);

        var code = await TaskQueueCommands.WorkerAsync(["--redis", url], TextWriter.Null, CancellationToken.None);

        Assert.Equal(2, code);
    }
}

using System.Text.Json;
using Parity.Examples.Infrastructure;
using Parity.Examples.Scale;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

public sealed class TaskQueueTests
{
    private static readonly JsonElement Vectors = LoadVectors();

    private static JsonElement LoadVectors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "comparisons", "scale", "messages.json");
            if (File.Exists(path))
            {
                return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            }
        }
        throw new FileNotFoundException("comparisons/scale/messages.json not found above the test assembly");
    }

    private static TaskQueue.Keys FreshKeys() => new($"test-{Guid.NewGuid():N}");

    [Fact]
    public void TaskVectors_DecodeThenEncode_GiveTheCanonicalBytes()
    {
        foreach (var v in Vectors.GetProperty("tasks").EnumerateArray())
        {
            var f = v.GetProperty("fields");
            var task = TaskQueue.DecodeTask(v.GetProperty("json").GetString()!);
            Assert.Equal(new TaskQueue.TaskMessage(f.GetProperty("run").GetString()!, f.GetProperty("seq").GetInt32(),
                f.GetProperty("n").GetInt64(), f.GetProperty("ms").GetInt32(), f.GetProperty("fail").GetBoolean()), task);
            var canonical = v.TryGetProperty("canonical", out var c) ? c : v.GetProperty("json");
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(canonical.GetString()!), System.Text.Encoding.UTF8.GetBytes(TaskQueue.Encode(task)));
        }
    }

    [Fact]
    public void ResultVectors_DecodeThenEncode_GiveTheSameBytes()
    {
        foreach (var v in Vectors.GetProperty("results").EnumerateArray())
        {
            var f = v.GetProperty("fields");
            var result = TaskQueue.DecodeResult(v.GetProperty("json").GetString()!);
            Assert.Equal(new TaskQueue.ResultMessage(f.GetProperty("run").GetString()!, f.GetProperty("seq").GetInt32(),
                f.GetProperty("n").GetInt64(), f.GetProperty("square").GetInt64(), f.GetProperty("worker").GetString()!,
                f.GetProperty("lang").GetString()!), result);
            Assert.Equal(v.GetProperty("json").GetString(), TaskQueue.Encode(result));
        }
    }

    [Fact]
    public void InvalidVectors_Decode_ThrowFormatException()
    {
        foreach (var v in Vectors.GetProperty("invalid_tasks").EnumerateArray())
        {
            var ex = Record.Exception(() => TaskQueue.DecodeTask(v.GetProperty("json").GetString()!));
            Assert.True(ex is FormatException, $"{v.GetProperty("name")}: {ex?.GetType().Name ?? "accepted"}");
        }
        foreach (var v in Vectors.GetProperty("invalid_results").EnumerateArray())
        {
            var ex = Record.Exception(() => TaskQueue.DecodeResult(v.GetProperty("json").GetString()!));
            Assert.True(ex is FormatException, $"{v.GetProperty("name")}: {ex?.GetType().Name ?? "accepted"}");
        }
    }

    [Fact]
    public void ReportVectors_ReportLine_IsTheSameLineAsPython()
    {
        foreach (var v in Vectors.GetProperty("reports").EnumerateArray())
        {
            var finished = v.GetProperty("finished").EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetString()!));
            var line = TaskQueue.ReportLine(v.GetProperty("tasks").GetInt32(), finished, v.GetProperty("duplicates").GetInt64(), v.GetProperty("dead").GetInt64());
            Assert.Equal(v.GetProperty("line").GetString(), line);
        }
    }

    [SkippableFact]
    public async Task MixedRun_WorkerKilledMidTask_EveryTaskHasExactlyOneResult()
    {
        await using var redis = await RedisForTest.StartAsync();
        var python = TaskQueue.FindPython();

        var mixed = await TaskQueue.MixedRunAsync(redis.Address, 12, 50, 300, FreshKeys(), python, CancellationToken.None);

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
        var first = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", say: _ => { });
        var second = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", say: _ => { });
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-a", StreamPosition.NewMessages, 1));
        var task = new TaskQueue.TaskMessage("twice", 0, 0, 0);

        await first.RecordAsync(entry.Id!, task);
        await second.RecordAsync(entry.Id!, task); // the same task, finished again by a worker that claimed it

        var report = await TaskQueue.CollectAsync(redis.Db, keys, "twice", 1, TimeSpan.FromSeconds(5));
        Assert.Equal("dotnet-a", report.Results[0].Worker); // the first result stands
        Assert.Equal((1, 1L, true), (report.Results.Count, report.Duplicates, report.Ok));
    }

    [SkippableFact]
    public async Task FailingTask_AfterMaxDeliveries_IsDeadLettered()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "poison", 1, 0, new HashSet<int> { 0 });
        var lines = new List<string>();
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", claimIdleMs: 0, say: lines.Add);

        for (var i = 0; i <= TaskQueue.MaxDeliveries; i++)
        {
            Assert.True(await worker.StepAsync(CancellationToken.None));
        }

        Assert.Equal("dead-lettered poison/0 after 4 deliveries: too many deliveries", lines[^1]);
        Assert.Equal(TaskQueue.MaxDeliveries, lines.Count(l => l.StartsWith("failed poison/0", StringComparison.Ordinal)));
        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(TaskQueue.Encode(new TaskQueue.TaskMessage("poison", 0, 0, 0, true)), dead["task"].ToString());
        Assert.Equal("4", dead["deliveries"].ToString());
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Tasks));
        var report = await TaskQueue.CollectAsync(redis.Db, keys, "poison", 1, TimeSpan.FromSeconds(5));
        Assert.Equal((1L, 1, false), (report.Dead, report.Missing, report.Ok));
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
    public async Task RoleUsers_ConfigAndForeignKeys_AreRefusedByTheServer()
    {
        RedisForTest.SkipOrFail(Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is { Length: > 0 },
            "PARITY_REDIS_URL names an outside server: creating users there is not ours to do");
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await redis.Db.ExecuteAsync("ACL", TaskQueue.AclSetUser("worker", "w-pass", TaskQueue.WorkerAcl, keys));
        await redis.Db.ExecuteAsync("ACL", TaskQueue.AclSetUser("submitter", "s-pass", TaskQueue.SubmitterAcl, keys));

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

    [Fact]
    public void RedisAddress_Parse_ReadsTheUrlAndNeverPrintsThePassword()
    {
        var address = RedisAddress.Parse("rediss://alice:p%40ss@db.example:6380/2");

        Assert.Equal(new RedisAddress("db.example", 6380, "alice", "p@ss", 2, true), address);
        Assert.Equal("rediss://alice:***@db.example:6380/2", address.Redacted());
        Assert.Equal("rediss://alice@db.example:6380/2", address.WithoutPassword());
        Assert.Throws<FormatException>(() => RedisAddress.Parse("http://127.0.0.1:1"));
    }

    [Fact]
    public void JsonEncoders_OutsidePlainAscii_WriteDifferentBytesThanPython()
    {
        // Python's json.dumps gives "a+b<c\u00e9" (test_task_queue.py): escaping rules differ,
        // which is why the format allows only [A-Za-z0-9._:-] in names.
        Assert.Equal("\"a\\u002Bb\\u003Cc\\u00E9\"", JsonSerializer.Serialize("a+b<c\u00e9"));
        Assert.Throws<FormatException>(() => TaskQueue.DecodeTask(TaskQueue.Encode(new TaskQueue.TaskMessage("a+b", 0, 0, 0))));
    }

    [Fact]
    public void StackExchangeRedis_StreamReadGroup_HasNoBlockingWait()
    {
        // One multiplexed connection serves every caller, so no command may block it: XREADGROUP
        // is sent without BLOCK and an idle worker polls (TaskQueue.Poll). redis-py passes block=.
        var parameters = typeof(IDatabaseAsync).GetMethods()
            .Where(m => m.Name == nameof(IDatabaseAsync.StreamReadGroupAsync))
            .SelectMany(m => m.GetParameters()).Select(p => p.Name!).Distinct().ToList();
        Assert.Contains("consumerName", parameters);
        Assert.DoesNotContain(parameters, p => p.Contains("block", StringComparison.OrdinalIgnoreCase) || p.Contains("timeout", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task Lease_LongHealthyTask_IsNeverClaimedByAnother()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        const int idleMs = 1000; // at 150 and 400 ms the first renewal came up to 800 ms late under load
        await TaskQueue.PutTasksAsync(redis.Db, keys, "lease", 1, 0);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", idleMs,
            say: line => { if (line.StartsWith("holding", StringComparison.Ordinal)) { holding.TrySetResult(); } },
            work: (_, token) => gate.Task.WaitAsync(Timeouts.Short, token));
        var other = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", idleMs, say: _ => { });
        var held = holder.StepAsync(CancellationToken.None);
        try
        {
            await holding.Task.WaitAsync(Timeouts.Short);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // The other worker polls for several claim-idle periods while the task is held.
            while (clock.ElapsedMilliseconds < 6 * idleMs)
            {
                Assert.False(await other.StepAsync(CancellationToken.None), "the held task was claimed by another worker");
                await Task.Delay(TaskQueue.Poll);
            }
            var pending = Assert.Single(await redis.Db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 10, RedisValue.Null));
            Assert.Equal(("dotnet-a", 1), (pending.ConsumerName.ToString(), pending.DeliveryCount)); // JUSTID
        }
        finally
        {
            gate.TrySetResult();
        }
        Assert.True(await held.WaitAsync(Timeouts.Short));

        var report = await TaskQueue.CollectAsync(redis.Db, keys, "lease", 1, Timeouts.Short);
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
        var holder = new TaskQueue.Worker(redis.Db, keys, "dotnet-a", say: _ => { });
        var claimer = new TaskQueue.Worker(redis.Db, keys, "dotnet-b", claimIdleMs: 0, say: lines.Add);
        var entry = Assert.Single(await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-a", StreamPosition.NewMessages, 1));

        var claimed = await claimer.ClaimAsync(); // XAUTOCLAIM: the entry is now pending for dotnet-b
        await holder.RecordAsync(entry.Id!, new TaskQueue.TaskMessage("race", 0, 0, 0)); // its holder finishes: XACK, XDEL
        Assert.NotNull(claimed);
        await claimer.TakeClaimedAsync(claimed.Value, CancellationToken.None); // XPENDING finds nothing

        Assert.Equal([$"{entry.Id} was finished by its holder meanwhile"], lines);
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Dead));
        var report = await TaskQueue.CollectAsync(redis.Db, keys, "race", 1, Timeouts.Short);
        Assert.Equal((1, 0L, true), (report.Results.Count, report.Dead, report.Ok));
    }

    [SkippableFact]
    public async Task Collect_TaskWithResultAndDeadLetter_CountsOnce()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        var result = new TaskQueue.ResultMessage("both", 0, 0, 0, "dotnet-a", "dotnet");
        await redis.Db.HashSetAsync(keys.Results("both"), "0", TaskQueue.Encode(result));
        await redis.Db.HashSetAsync(keys.DeadInRun("both"), [new("0", 4), new("1", 4)]); // task 0 finished and dead-lettered

        var report = await TaskQueue.CollectAsync(redis.Db, keys, "both", 2, Timeouts.Short);

        Assert.Equal((1, 1L, 1), (report.Results.Count, report.Dead, report.Missing));
    }

    [SkippableFact]
    public async Task NotUtf8Task_IsDeadLetteredByteForByte()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.EnsureGroupAsync(redis.Db, keys);
        byte[] notUtf8 = [.. "{\"v\":1,\"run\":\""u8, 0xFF, 0xFE, .. "\"}"u8];
        await redis.Db.StreamAddAsync(keys.Tasks, "task", notUtf8);
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", say: _ => { });

        Assert.True(await worker.StepAsync(CancellationToken.None));

        var dead = Assert.Single(await redis.Db.StreamRangeAsync(keys.Dead));
        Assert.Equal(notUtf8, (byte[]?)dead["task"]);
        Assert.Equal("1", dead["deliveries"].ToString());
        Assert.StartsWith("bad message: ", dead["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await redis.Db.StreamLengthAsync(keys.Tasks));
    }

    [Fact]
    public void UrlVectors_Parse_ReadsEachPartAndRedactsThePassword()
    {
        foreach (var v in Vectors.GetProperty("urls").EnumerateArray())
        {
            var address = RedisAddress.Parse(v.GetProperty("url").GetString()!);
            static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.Null || e.GetString() is "" ? null : e.GetString();
            var port = v.GetProperty("port");
            var db = v.GetProperty("db");
            Assert.Equal(new RedisAddress(v.GetProperty("host").GetString()!, port.ValueKind == JsonValueKind.Null ? 6379 : port.GetInt32(),
                Text(v.GetProperty("user")), Text(v.GetProperty("password")), db.ValueKind == JsonValueKind.Null ? 0 : db.GetInt32(),
                v.GetProperty("url").GetString()!.StartsWith("rediss:", StringComparison.Ordinal)), address);
            if (address.Password is { } password)
            {
                Assert.DoesNotContain(password, address.Redacted(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void InvalidUrlVectors_Parse_ThrowWithoutEchoingTheUrl()
    {
        foreach (var v in Vectors.GetProperty("invalid_urls").EnumerateArray())
        {
            var ex = Assert.Throws<FormatException>(() => RedisAddress.Parse(v.GetProperty("url").GetString()!));
            Assert.DoesNotContain("hunter", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void VersionProblem_RedisOlderThan7_IsOneLine()
    {
        Assert.Equal("Redis 6.2.14 is too old: the task queue needs Redis 7.0 or later", TaskQueue.VersionProblem(new Version(6, 2, 14)));
        Assert.Null(TaskQueue.VersionProblem(new Version(7, 0, 0)));
        Assert.Null(TaskQueue.VersionProblem(new Version(7, 2, 4)));
    }

    [Fact]
    public async Task Options_OptEqualsValue_IsTakenLikeArgparse()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            TaskQueueCommands.SubmitAsync(["--redis=redis://127.0.0.1:1", "--count=abc"], TextWriter.Null, CancellationToken.None));
        Assert.Equal("--count must be an integer in 1..2147483647, got 'abc'", ex.Message);
    }

    [SkippableFact]
    public async Task Worker_WrongPassword_ExitsTwo()
    {
        await using var redis = await RedisForTest.StartAsync();
        var url = (redis.Address with { Password = "wrong" }).Redacted().Replace("***", "wrong", StringComparison.Ordinal);

        var code = await TaskQueueCommands.WorkerAsync(["--redis", url], TextWriter.Null, CancellationToken.None);

        Assert.Equal(2, code);
    }

    [SkippableFact]
    public async Task PerRunKeys_Expire_AndACleanStopRemovesAnIdleConsumer()
    {
        await using var redis = await RedisForTest.StartAsync();
        var keys = FreshKeys();
        await TaskQueue.PutTasksAsync(redis.Db, keys, "ttl", 3, 0, new HashSet<int> { 1 });
        var worker = new TaskQueue.Worker(redis.Db, keys, "dotnet-w", claimIdleMs: 0, say: _ => { });
        for (var i = 0; i < TaskQueue.MaxDeliveries + 2; i++)
        {
            Assert.True(await worker.StepAsync(CancellationToken.None)); // task 0 done; task 1 fails until dead-lettered
        }
        await worker.RecordAsync("0-1", new TaskQueue.TaskMessage("ttl", 0, 0, 0)); // a second finish: a duplicate
        foreach (var key in new[] { keys.Results("ttl"), keys.Duplicates("ttl"), keys.DeadInRun("ttl") })
        {
            var ttl = await redis.Db.KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.Zero && ttl <= TaskQueue.RunTtl, $"{key}: {ttl}");
        }
        await redis.Db.StreamReadGroupAsync(keys.Tasks, keys.Group, "dotnet-h", StreamPosition.NewMessages, 1); // dotnet-h holds task 2

        var stopped = new CancellationToken(canceled: true);
        await worker.RunAsync(stopped); // a clean stop: dotnet-w holds nothing and leaves the group
        await new TaskQueue.Worker(redis.Db, keys, "dotnet-h", say: _ => { }).RunAsync(stopped);

        var consumers = await redis.Db.StreamConsumerInfoAsync(keys.Tasks, keys.Group);
        Assert.Equal(["dotnet-h"], consumers.Select(c => c.Name.ToString()));
    }
}

using System.Text.Json;
using Parity.Examples.Infrastructure;
using Parity.Examples.Scale;
using Parity.Examples.Scale.Queue;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

/// <summary>The message format, URLs and options, decided by the vectors Python checks too.</summary>
public sealed class TaskQueueFormatTests
{
    public static readonly JsonElement Vectors = LoadVectors();

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

    [Fact]
    public void TaskVectors_DecodeThenEncode_GiveTheCanonicalBytes()
    {
        foreach (var v in Vectors.GetProperty("tasks").EnumerateArray())
        {
            var f = v.GetProperty("fields");
            var task = Messages.DecodeTask(v.GetProperty("json").GetString()!);
            Assert.Equal(new TaskMessage(f.GetProperty("run").GetString()!, f.GetProperty("seq").GetInt32(),
                f.GetProperty("n").GetInt64(), f.GetProperty("ms").GetInt32(), f.GetProperty("fail").GetBoolean()), task);
            var canonical = v.TryGetProperty("canonical", out var c) ? c : v.GetProperty("json");
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(canonical.GetString()!), System.Text.Encoding.UTF8.GetBytes(Messages.Encode(task)));
        }
    }

    [Fact]
    public void ResultVectors_DecodeThenEncode_GiveTheSameBytes()
    {
        foreach (var v in Vectors.GetProperty("results").EnumerateArray())
        {
            var f = v.GetProperty("fields");
            var result = Messages.DecodeResult(v.GetProperty("json").GetString()!);
            Assert.Equal(new ResultMessage(f.GetProperty("run").GetString()!, f.GetProperty("seq").GetInt32(),
                f.GetProperty("n").GetInt64(), f.GetProperty("square").GetInt64(), f.GetProperty("worker").GetString()!,
                f.GetProperty("lang").GetString()!), result);
            Assert.Equal(v.GetProperty("json").GetString(), Messages.Encode(result));
        }
    }

    [Fact]
    public void InvalidVectors_Decode_ThrowFormatException()
    {
        foreach (var v in Vectors.GetProperty("invalid_tasks").EnumerateArray())
        {
            var ex = Record.Exception(() => Messages.DecodeTask(v.GetProperty("json").GetString()!));
            Assert.True(ex is FormatException, $"{v.GetProperty("name")}: {ex?.GetType().Name ?? "accepted"}");
        }
        foreach (var v in Vectors.GetProperty("invalid_results").EnumerateArray())
        {
            var ex = Record.Exception(() => Messages.DecodeResult(v.GetProperty("json").GetString()!));
            Assert.True(ex is FormatException, $"{v.GetProperty("name")}: {ex?.GetType().Name ?? "accepted"}");
        }
    }

    [Fact]
    public void NameEndingInANewline_RegexDollar_WouldLetItThrough()
    {
        // `$` matches before a final newline: the pattern the decoder used to have accepted "nl\n".
        Assert.Matches("^[A-Za-z0-9._:-]{1,64}$", "nl\n");
        Assert.DoesNotMatch(Messages.NamePattern(), "nl\n");
        var ex = Assert.Throws<FormatException>(() => Messages.DecodeTask("{\"v\":1,\"run\":\"nl\\n\",\"seq\":0,\"n\":0,\"ms\":0,\"fail\":false}"));
        Assert.StartsWith("run must match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportVectors_ReportLine_IsTheSameLineAsPython()
    {
        foreach (var v in Vectors.GetProperty("reports").EnumerateArray())
        {
            var finished = v.GetProperty("finished").EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetString()!));
            var line = Messages.ReportLine(v.GetProperty("tasks").GetInt32(), finished, v.GetProperty("duplicates").GetInt64(),
                v.GetProperty("dead").GetInt64(), v.GetProperty("lost").GetInt64());
            Assert.Equal(v.GetProperty("line").GetString(), line);
        }
    }

    [Fact]
    public void JsonEncoders_OutsidePlainAscii_WriteDifferentBytesThanPython()
    {
        // Python's json.dumps gives "a+b<c\u00e9" (test_task_queue_format.py): escaping rules differ,
        // which is why the format allows only [A-Za-z0-9._:-] in names.
        Assert.Equal("\"a\\u002Bb\\u003Cc\\u00E9\"", JsonSerializer.Serialize("a+b<c\u00e9"));
        Assert.Throws<FormatException>(() => Messages.DecodeTask(Messages.Encode(new TaskMessage("a+b", 0, 0, 0))));
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
    public void RedisAddress_Parse_ReadsTheUrlAndNeverPrintsThePassword()
    {
        var address = RedisAddress.Parse("rediss://alice:p%40ss@db.example:6380/2");

        Assert.Equal(new RedisAddress("db.example", 6380, "alice", "p@ss", 2, true), address);
        Assert.Equal("rediss://alice:***@db.example:6380/2", address.Redacted());
        Assert.Equal("rediss://alice@db.example:6380/2", address.WithoutPassword());
        Assert.Throws<FormatException>(() => RedisAddress.Parse("http://127.0.0.1:1"));
    }

    [Fact]
    public void VersionProblem_RedisOlderThan7_IsOneLine()
    {
        Assert.Equal("Redis 6.2.14 is too old: the task queue needs Redis 7.0 or later", QueueOps.VersionProblem(new Version(6, 2, 14)));
        Assert.Null(QueueOps.VersionProblem(new Version(7, 0, 0)));
        Assert.Null(QueueOps.VersionProblem(new Version(7, 2, 4)));
    }

    [Fact]
    public void StackExchangeRedis_StreamReadGroup_HasNoBlockingWait()
    {
        // One multiplexed connection serves every caller, so no command may block it: XREADGROUP
        // is sent without BLOCK and an idle worker polls (QueueOps.Poll). redis-py passes block=.
        var parameters = typeof(IDatabaseAsync).GetMethods()
            .Where(m => m.Name == nameof(IDatabaseAsync.StreamReadGroupAsync))
            .SelectMany(m => m.GetParameters()).Select(p => p.Name!).Distinct().ToList();
        Assert.Contains("consumerName", parameters);
        Assert.DoesNotContain(parameters, p => p.Contains("block", StringComparison.OrdinalIgnoreCase) || p.Contains("timeout", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Options_OptEqualsValue_IsTakenLikeArgparse()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            TaskQueueCommands.SubmitAsync(["--redis=redis://127.0.0.1:1", "--count=abc"], TextWriter.Null, CancellationToken.None));
        Assert.Equal("--count must be an integer in 1..2147483647, got 'abc'", ex.Message);
    }

    [Fact]
    public async Task Submit_BacklogAboveTheStreamCap_IsRefusedWithOneLine()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            TaskQueueCommands.SubmitAsync(["--redis", "redis://127.0.0.1:1", "--backlog", "100001"], TextWriter.Null, CancellationToken.None));
        Assert.StartsWith("--backlog must be at most 100000, the stream's MAXLEN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_DoublesUpToACap()
    {
        Assert.Equal([100, 200, 400, 800], Enumerable.Range(0, 4).Select(QueueOps.BackoffMs));
        Assert.Equal(QueueOps.RetryCapMs, QueueOps.BackoffMs(40));
    }

    [Fact]
    public async Task StallingOn_TheNthTaskWaitsForTheStop_TheOthersRunAsUsual()
    {
        var work = TaskQueueCommands.StallingOn(2);
        var task = new TaskMessage("run", 1, 1, 0);
        using var stop = new CancellationTokenSource();
        await work(task, stop.Token); // the first: its 0 ms of simulated work
        var stalled = work(task, stop.Token);
        await Task.Yield();
        Assert.False(stalled.IsCompleted); // the second is held, like a dead machine's
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
        await work(task, CancellationToken.None); // the third runs again
    }
}

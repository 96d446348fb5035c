using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parity.Examples.Infrastructure;
using StackExchange.Redis;

namespace Parity.Examples.Scale;

/// <summary>
/// scale.task-queue: the article's master/worker job on a Redis stream with a consumer group,
/// .NET and Python workers sharing one queue. At least once (XREADGROUP, then XACK); a killed
/// worker's task is claimed by another once idle long enough (XAUTOCLAIM), while a live worker
/// renews its claim (XCLAIM JUSTID) so a long task is never taken from it; results recorded with
/// HSETNX, so a task finished twice counts once; a dead-letter stream after too many deliveries;
/// back-pressure and MAXLEN keep the stream bounded. The JSON format and the vectors both
/// languages check: comparisons/scale/messages.json.
/// </summary>
[Concept("scale.task-queue")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the concept's slug, scale.task-queue.")]
public static partial class TaskQueue
{
    public const string Language = "dotnet";
    public const int MaxDeliveries = 3;
    public const int ClaimIdleMs = 5000;
    public const int Backlog = 1000;
    public const long StreamCap = 100_000;
    public const long MaxSquared = 3_037_000_499;
    public const int MaxMs = 600_000;

    /// <summary>Every per-run key expires a day after its last write.</summary>
    public static readonly TimeSpan RunTtl = TimeSpan.FromDays(1);

    /// <summary>How long an idle worker waits before asking again: StackExchange.Redis has no
    /// blocking XREADGROUP (one multiplexed connection must never block), so it polls.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex NamePattern();

    // <format>
    public sealed record TaskMessage(string Run, int Seq, long N, int Ms, bool Fail = false);

    public sealed record ResultMessage(string Run, int Seq, long N, long Square, string Worker, string Lang);

    private static readonly string[] TaskKeys = ["v", "run", "seq", "n", "ms", "fail"];
    private static readonly string[] ResultKeys = ["v", "run", "seq", "n", "square", "worker", "lang"];

    // Compact, keys in the documented order; names are plain ASCII, so no escaping can differ
    // from Python's json.dumps.
    public static string Encode(TaskMessage t) => Write(w =>
    {
        w.WriteNumber("v", 1);
        w.WriteString("run", t.Run);
        w.WriteNumber("seq", t.Seq);
        w.WriteNumber("n", t.N);
        w.WriteNumber("ms", t.Ms);
        w.WriteBoolean("fail", t.Fail);
    });

    public static string Encode(ResultMessage r) => Write(w =>
    {
        w.WriteNumber("v", 1);
        w.WriteString("run", r.Run);
        w.WriteNumber("seq", r.Seq);
        w.WriteNumber("n", r.N);
        w.WriteNumber("square", r.Square);
        w.WriteString("worker", r.Worker);
        w.WriteString("lang", r.Lang);
    });

    /// <summary>FormatException for anything that is not exactly a task message.</summary>
    public static TaskMessage DecodeTask(string raw)
    {
        using var doc = Parse(raw, TaskKeys);
        var o = doc.RootElement;
        var fail = o.GetProperty("fail");
        if (fail.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new FormatException($"fail must be true or false, got {fail.GetRawText()}");
        }
        return new TaskMessage(Name(o, "run"), (int)Int(o, "seq", int.MaxValue), Int(o, "n", MaxSquared), (int)Int(o, "ms", MaxMs), fail.GetBoolean());
    }

    public static ResultMessage DecodeResult(string raw)
    {
        using var doc = Parse(raw, ResultKeys);
        var o = doc.RootElement;
        var n = Int(o, "n", MaxSquared);
        var square = Int(o, "square", long.MaxValue);
        if (square != n * n)
        {
            throw new FormatException($"square {square} is not {n}*{n}");
        }
        var lang = o.GetProperty("lang");
        if (lang.ValueKind != JsonValueKind.String || lang.GetString() is not ("python" or "dotnet"))
        {
            throw new FormatException($"lang must be python or dotnet, got {lang.GetRawText()}");
        }
        return new ResultMessage(Name(o, "run"), (int)Int(o, "seq", int.MaxValue), n, square, Name(o, "worker"), lang.GetString()!);
    }
    // </format>

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonDocument Parse(string raw, string[] keys)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(raw);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }
        try
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not a JSON object");
            }
            var present = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            if (present.Count != keys.Length || !present.Order(StringComparer.Ordinal).SequenceEqual(keys.Order(StringComparer.Ordinal)))
            {
                throw new FormatException($"keys must be {string.Join(", ", keys)}; got {string.Join(", ", present)}");
            }
            var v = doc.RootElement.GetProperty("v");
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var version) || version != 1)
            {
                throw new FormatException($"unsupported version {v.GetRawText()}");
            }
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    private static long Int(JsonElement o, string key, long top)
    {
        var e = o.GetProperty(key);
        // TryGetInt64 refuses 1.5 and 1e2: only plain integers pass, as in the Python decoder.
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var value) || value < 0 || value > top
            || e.GetRawText().Contains('.', StringComparison.Ordinal) || e.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"{key} must be an integer in 0..{top}, got {e.GetRawText()}");
        }
        return value;
    }

    private static string Name(JsonElement o, string key)
    {
        var e = o.GetProperty(key);
        if (e.ValueKind != JsonValueKind.String || !NamePattern().IsMatch(e.GetString()!))
        {
            throw new FormatException($"{key} must match {NamePattern()}, got {e.GetRawText()}");
        }
        return e.GetString()!;
    }

    /// <summary>Every key of one deployment, under one namespace (tests use a fresh one each).</summary>
    public sealed record Keys(string Ns = "parity")
    {
        public RedisKey Tasks => $"{Ns}:tasks";
        public string Group => $"{Ns}:workers";
        public RedisKey Dead => $"{Ns}:dead";
        public RedisKey Results(string run) => $"{Ns}:run:{run}:results";
        public RedisKey Duplicates(string run) => $"{Ns}:run:{run}:duplicates";
        public RedisKey DeadInRun(string run) => $"{Ns}:run:{run}:dead";
    }

    // <acl>
    // On a shared server give each role an ACL user (redis-server 6+) with only its keys and
    // commands; never CONFIG, whose GET would read the admin password (the same rules as Python's).
    public const string ConnectAcl = "+@connection +info +role";
    public const string WorkerAcl = "+xreadgroup +xautoclaim +xclaim +xpending +xack +xdel +xadd "
        + "+xgroup|create +hsetnx +hincrby +hset +expire +multi +exec +xgroup|delconsumer";
    public const string SubmitterAcl = "+xadd +xlen +xgroup|create +hlen +hkeys +hmget +hgetall +hvals +del +unlink";

    /// <summary>The arguments of ACL SETUSER for one role: its own keys, no channels, no other command.</summary>
    public static object[] AclSetUser(string user, string password, string rules, Keys keys) =>
    [
        "SETUSER", user, "on", $">{password}", "resetkeys", $"~{keys.Ns}:*", "resetchannels", "-@all",
        .. ConnectAcl.Split(' '), .. rules.Split(' '),
    ];
    // </acl>

    /// <summary>Why this server cannot run the queue, or null: XAUTOCLAIM came in Redis 6.2 and its
    /// reply gained a third element (deleted ids) in 7.0, which both clients expect.</summary>
    public static string? VersionProblem(Version version) =>
        version < new Version(7, 0) ? $"Redis {version} is too old: the task queue needs Redis 7.0 or later" : null;

    public static async Task EnsureGroupAsync(IDatabase db, Keys keys)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(keys.Tasks, keys.Group, "0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker or the submitter made it first.
        }
    }

    public static string WorkerName()
    {
        var host = Regex.Replace(Dns.GetHostName(), "[^A-Za-z0-9.-]", "-");
        return $"{Language}-{(host.Length == 0 ? "host" : host[..Math.Min(40, host.Length)])}-{Environment.ProcessId}";
    }

    // <worker>
    /// <summary>Takes one task at a time: reclaim an abandoned one first, else read a new one.</summary>
    public sealed class Worker(IDatabase db, Keys keys, string? name = null, int claimIdleMs = ClaimIdleMs,
        int maxDeliveries = MaxDeliveries, int? stallOn = null, Action<string>? say = null,
        Func<TaskMessage, CancellationToken, Task>? work = null)
    {
        private readonly Action<string> _say = say ?? Console.WriteLine;
        private readonly Func<TaskMessage, CancellationToken, Task> _work = work ?? ((task, token) => Task.Delay(task.Ms, token));
        private int _taken;

        public string Name { get; } = name is null || NamePattern().IsMatch(name)
            ? name ?? WorkerName()
            : throw new ArgumentException($"worker name must match {NamePattern()}, got '{name}'", nameof(name));

        public async Task RunAsync(CancellationToken token)
        {
            await EnsureGroupAsync(db, keys).ConfigureAwait(false);
            _say($"worker {Name} ready");
            try
            {
                while (!token.IsCancellationRequested)
                {
                    if (!await StepAsync(token).ConfigureAwait(false))
                    {
                        await Task.Delay(Poll, token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                await LeaveAsync().ConfigureAwait(false);
                throw;
            }
            await LeaveAsync().ConfigureAwait(false);
        }

        /// <summary>On a clean stop, deletes this worker's consumer from the group, unless it still
        /// holds a task: XGROUP DELCONSUMER would drop that task's pending entry, and the task with it.</summary>
        public async Task LeaveAsync()
        {
            var held = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, Name).ConfigureAwait(false);
            if (held.Length == 0)
            {
                await db.StreamDeleteConsumerAsync(keys.Tasks, keys.Group, Name).ConfigureAwait(false);
            }
        }

        /// <summary>Handles at most one task; false when there was none.</summary>
        public async Task<bool> StepAsync(CancellationToken token)
        {
            if (await ClaimAsync().ConfigureAwait(false) is { } claimed)
            {
                await TakeClaimedAsync(claimed, token).ConfigureAwait(false);
                return true;
            }
            var read = await db.StreamReadGroupAsync(keys.Tasks, keys.Group, Name, StreamPosition.NewMessages, 1).ConfigureAwait(false);
            if (read.Length == 0)
            {
                return false;
            }
            await HandleAsync(read[0].Id!, (byte[]?)read[0]["task"] ?? [], 1, token).ConfigureAwait(false);
            return true;
        }

        /// <summary>An entry another worker took and left idle past the claim idle time, now ours (XAUTOCLAIM).</summary>
        public async Task<StreamEntry?> ClaimAsync()
        {
            var claimed = await db.StreamAutoClaimAsync(keys.Tasks, keys.Group, Name, claimIdleMs, "0-0", 1).ConfigureAwait(false);
            return claimed.ClaimedEntries.Length > 0 ? claimed.ClaimedEntries[0] : null;
        }

        /// <summary>Runs a claimed entry; its pending entry's delivery count tells how often it went out.</summary>
        public async Task TakeClaimedAsync(StreamEntry entry, CancellationToken token)
        {
            var pending = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, RedisValue.Null, entry.Id, entry.Id).ConfigureAwait(false);
            if (pending.Length == 0)
            {
                // Its holder acknowledged it after XAUTOCLAIM: finished, nothing to do.
                _say($"{entry.Id} was finished by its holder meanwhile");
                return;
            }
            await HandleAsync(entry.Id!, (byte[]?)entry["task"] ?? [], pending[0].DeliveryCount, token).ConfigureAwait(false);
        }

        private async Task HandleAsync(string entryId, byte[] raw, long deliveries, CancellationToken token)
        {
            TaskMessage task;
            try
            {
                // Strictly UTF-8 (RedisValue.ToString would put U+FFFD in place of bad bytes), as
                // the Python worker reads it; a bad entry is dead-lettered with its own bytes.
                task = DecodeTask(StrictUtf8.GetString(raw));
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                await DeadLetterAsync(entryId, raw, null, deliveries, $"bad message: {ex.Message}").ConfigureAwait(false);
                return;
            }
            if (deliveries > maxDeliveries)
            {
                await DeadLetterAsync(entryId, raw, task, deliveries, "too many deliveries").ConfigureAwait(false);
                return;
            }
            _taken++;
            _say($"holding {task.Run}/{task.Seq} (delivery {deliveries})");
            if (_taken == stallOn)
            {
                // The demo's dying machine: never finishes, never acknowledges.
                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
            }
            // Cancelled mid-task: the task stays pending and another worker claims it.
            using (var lease = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                var renewing = RenewAsync(entryId, lease.Token);
                try
                {
                    await _work(task, token).ConfigureAwait(false);
                }
                finally
                {
                    await lease.CancelAsync().ConfigureAwait(false);
                    await renewing.ConfigureAwait(false);
                }
            }
            if (task.Fail)
            {
                _say($"failed {task.Run}/{task.Seq}: left pending for another attempt");
                return;
            }
            await RecordAsync(entryId, task).ConfigureAwait(false);
        }

        /// <summary>Renews the claim on the entry every third of the claim idle time until cancelled:
        /// a healthy long task never looks idle to XAUTOCLAIM. XCLAIM with JUSTID resets the idle
        /// time without raising the delivery count.</summary>
        private async Task RenewAsync(string entryId, CancellationToken token)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, claimIdleMs / 3)));
            try
            {
                while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
                {
                    var pending = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, RedisValue.Null, entryId, entryId).ConfigureAwait(false);
                    if (pending.Length == 0 || pending[0].ConsumerName != Name)
                    {
                        _say($"lease on {entryId} lost: another worker claimed it");
                        return; // this worker stalled past the idle time: let it go
                    }
                    await db.StreamClaimIdsOnlyAsync(keys.Tasks, keys.Group, Name, 0, [entryId]).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The task ended: its lease ends with it.
            }
            catch (RedisException ex)
            {
                // The server went away: the worker's own next command reports it.
                _say($"lease on {entryId} not renewed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        /// <summary>Records the result once (HSETNX); a later finish of the same task only counts as a duplicate.</summary>
        public async Task RecordAsync(string entryId, TaskMessage task)
        {
            var result = new ResultMessage(task.Run, task.Seq, task.N, task.N * task.N, Name, Language);
            var seq = task.Seq.ToString(CultureInfo.InvariantCulture);
            var first = await db.HashSetAsync(keys.Results(task.Run), seq, Encode(result), When.NotExists).ConfigureAwait(false);
            var tx = db.CreateTransaction();
            if (!first)
            {
                // Finished before by a worker presumed dead: count it, change nothing.
                _ = tx.HashIncrementAsync(keys.Duplicates(task.Run), seq);
                _ = tx.KeyExpireAsync(keys.Duplicates(task.Run), RunTtl);
            }
            _ = tx.KeyExpireAsync(keys.Results(task.Run), RunTtl);
            _ = tx.StreamAcknowledgeAsync(keys.Tasks, keys.Group, entryId);
            _ = tx.StreamDeleteAsync(keys.Tasks, [entryId]);
            await tx.ExecuteAsync().ConfigureAwait(false);
        }

        private async Task DeadLetterAsync(string entryId, byte[] raw, TaskMessage? task, long deliveries, string reason)
        {
            var tx = db.CreateTransaction();
            _ = tx.StreamAddAsync(keys.Dead,
                [new("task", raw), new("deliveries", deliveries), new("worker", Name), new("reason", reason)],
                maxLength: StreamCap);
            if (task is not null)
            {
                _ = tx.HashSetAsync(keys.DeadInRun(task.Run), task.Seq, deliveries);
                _ = tx.KeyExpireAsync(keys.DeadInRun(task.Run), RunTtl);
            }
            _ = tx.StreamAcknowledgeAsync(keys.Tasks, keys.Group, entryId);
            _ = tx.StreamDeleteAsync(keys.Tasks, [entryId]);
            await tx.ExecuteAsync().ConfigureAwait(false);
            _say($"dead-lettered {(task is null ? entryId : $"{task.Run}/{task.Seq}")} after {deliveries} deliveries: {reason}");
        }
    }
    // </worker>

    // <submit>
    public sealed record Report(int Tasks, IReadOnlyDictionary<int, ResultMessage> Results, long Duplicates, long Dead, int Bad)
    {
        public int Missing => Tasks - Results.Count;

        /// <summary>Every task has exactly one (correct) result.</summary>
        public bool Ok => Missing == 0 && Bad == 0 && Dead == 0;

        public string Line() => ReportLine(Tasks, Results.Values.Select(r => (r.Lang, r.Worker)), Duplicates, Dead);
    }

    /// <summary>The one line submit prints, identical in both languages (vectors in messages.json).</summary>
    public static string ReportLine(int tasks, IEnumerable<(string Lang, string Worker)> finished, long duplicates, long dead)
    {
        var pairs = finished.ToList();
        static string Counts(IEnumerable<string> names) => string.Join(' ', names
            .GroupBy(x => x, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));
        var line = $"tasks={tasks} results={pairs.Count} missing={tasks - pairs.Count} duplicates={duplicates} dead={dead} " +
            $"by-language: {Counts(pairs.Select(p => p.Lang))} by-worker: {Counts(pairs.Select(p => p.Worker))}";
        return line.Replace("  ", " ", StringComparison.Ordinal);
    }

    public static string NewRunId() =>
        $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    /// <summary>Adds the tasks; while the stream holds <paramref name="backlog"/> unfinished tasks, waits (back-pressure).</summary>
    public static async Task PutTasksAsync(IDatabase db, Keys keys, string run, int count, int taskMs, IReadOnlySet<int>? fail = null,
        int backlog = Backlog, TimeSpan? timeout = null, CancellationToken token = default)
    {
        await EnsureGroupAsync(db, keys).ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Timeouts.Long;
        for (var seq = 0; seq < count; seq++)
        {
            while (await db.StreamLengthAsync(keys.Tasks).ConfigureAwait(false) >= backlog) // finished tasks are deleted
            {
                if (deadline.Elapsed > limit)
                {
                    throw new TimeoutException($"the stream stayed full ({backlog} tasks) for {limit.TotalSeconds:g} s");
                }
                await Task.Delay(50, token).ConfigureAwait(false);
            }
            var task = new TaskMessage(run, seq, seq, taskMs, fail?.Contains(seq) ?? false);
            await db.StreamAddAsync(keys.Tasks, "task", Encode(task), maxLength: StreamCap).ConfigureAwait(false);
        }
    }

    /// <summary>The tasks of the run dead-lettered without a result: a task can have both when a worker
    /// dead-lettered it while another finished it, and then it counts as finished, once.</summary>
    private static async Task<RedisValue[]> DeadOnlyAsync(IDatabase db, Keys keys, string run)
    {
        var dead = await db.HashKeysAsync(keys.DeadInRun(run)).ConfigureAwait(false);
        var found = dead.Length == 0 ? [] : await db.HashGetAsync(keys.Results(run), dead).ConfigureAwait(false);
        return [.. dead.Where((_, i) => found[i].IsNull)];
    }

    /// <summary>Waits until every task has a result or a dead letter (or the timeout), then reads them.</summary>
    public static async Task<Report> CollectAsync(IDatabase db, Keys keys, string run, int count, TimeSpan timeout, CancellationToken token = default)
    {
        var clock = Stopwatch.StartNew();
        while (await db.HashLengthAsync(keys.Results(run)).ConfigureAwait(false) + (await DeadOnlyAsync(db, keys, run).ConfigureAwait(false)).Length < count
            && clock.Elapsed < timeout)
        {
            await Task.Delay(50, token).ConfigureAwait(false);
        }
        var results = new Dictionary<int, ResultMessage>();
        var bad = 0;
        foreach (var entry in await db.HashGetAllAsync(keys.Results(run)).ConfigureAwait(false))
        {
            try
            {
                var result = DecodeResult(entry.Value.ToString());
                if (result.Run == run && result.Seq.ToString(CultureInfo.InvariantCulture) == entry.Name && result.N == result.Seq)
                {
                    results[result.Seq] = result;
                    continue;
                }
            }
            catch (FormatException)
            {
            }
            bad++;
        }
        var duplicates = (await db.HashValuesAsync(keys.Duplicates(run)).ConfigureAwait(false)).Sum(v => (long)v);
        long dead = (await DeadOnlyAsync(db, keys, run).ConfigureAwait(false)).Length;
        await db.KeyDeleteAsync([keys.Results(run), keys.Duplicates(run), keys.DeadInRun(run)]).ConfigureAwait(false);
        return new Report(count, results, duplicates, dead, bad);
    }
    // </submit>

    // <demo>
    /// <summary>A worker started as a program of its own, its output lines collected as they come.</summary>
    public sealed class WorkerProcess : IAsyncDisposable
    {
        private readonly List<string> _lines = [];
        private readonly Process _process;

        public WorkerProcess(string language, ProcessStartInfo info)
        {
            Language = language;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            _process = new Process { StartInfo = info };
            _process.OutputDataReceived += (_, e) => Add(e.Data);
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Language { get; }

        public Process Process => _process;

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_lines)
            {
                _lines.Add(line);
                Monitor.PulseAll(_lines);
            }
        }

        /// <summary>The first output line starting with <paramref name="prefix"/>; TimeoutException if none comes in time.</summary>
        public async Task<string> WaitForAsync(string prefix, TimeSpan timeout, CancellationToken token)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(x => x.StartsWith(prefix, StringComparison.Ordinal)) is { } found)
                    {
                        return found;
                    }
                    if (clock.Elapsed > timeout || _process.HasExited)
                    {
                        throw new TimeoutException($"{Language} worker {(_process.HasExited ? "exited" : "timed out")} before printing '{prefix}': {string.Join(" | ", _lines.TakeLast(3))}");
                    }
                }
                await Task.Delay(20, token).ConfigureAwait(false);
            }
        }

        public async Task KillAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(Timeouts.Short).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await KillAsync().ConfigureAwait(false);
            _process.Dispose();
        }
    }

    /// <summary>The Python that has the parity package: PARITY_PYTHON, the repository's .venv, or python3 on PATH.</summary>
    public static string? FindPython()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PARITY_PYTHON") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }
        // From this assembly's folder up (AppContext.BaseDirectory is empty under the Python bridge).
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(TaskQueue).Assembly.Location)!); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, ".venv", OperatingSystem.IsWindows() ? "Scripts/python.exe" : "bin/python"));
        }
        candidates.Add(OperatingSystem.IsWindows() ? "python" : "python3");
        foreach (var candidate in candidates.Where(c => !Path.IsPathRooted(c) || File.Exists(c)))
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import parity.scale.task_queue, redis"])
                { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
                if (probe.WaitForExit(15_000) && probe.ExitCode == 0)
                {
                    return candidate;
                }
                if (!probe.HasExited)
                {
                    probe.Kill();
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not on PATH.
            }
        }
        return null;
    }

    public static WorkerProcess StartWorker(string language, RedisAddress address, string? python, params string[] args)
    {
        string[] common = ["--redis", address.WithoutPassword(), .. args];
        var info = language == Language
            ? SelfLauncher.StartInfo("scale.task-queue", common)
            : new ProcessStartInfo(python ?? throw new InvalidOperationException("no Python with the parity package"), ["-m", "parity.scale.worker", .. common]);
        // The password travels in the environment, where `ps` cannot read it.
        info.Environment[RedisAddress.PasswordVariable] = address.Password ?? string.Empty;
        info.Environment["PYTHONUNBUFFERED"] = "1";
        return new WorkerProcess(language, info);
    }

    public sealed record MixedRun(Report Report, string Killed, string KilledWorker, string RescuedBy, IReadOnlyList<string> Languages);

    /// <summary>A .NET master; a .NET worker that takes one task and is killed holding it; then one
    /// worker per language finishes everything, the killed one's task included.</summary>
    public static async Task<MixedRun> MixedRunAsync(RedisAddress address, int count, int taskMs, int claimIdleMs, Keys keys, string? python, CancellationToken token)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
        var db = connection.GetDatabase();
        List<string> languages = python is null ? [Language] : [Language, "python"];
        string[] idle = ["--claim-idle-ms", claimIdleMs.ToString(CultureInfo.InvariantCulture), "--namespace", keys.Ns];
        var workers = new List<WorkerProcess>();
        try
        {
            var victim = StartWorker(Language, address, python, [.. idle, "--stall-on", "1"]);
            workers.Add(victim);
            var victimName = (await victim.WaitForAsync("worker ", Timeouts.Short, token).ConfigureAwait(false)).Split(' ')[1];
            var run = NewRunId();
            await PutTasksAsync(db, keys, run, count, taskMs, token: token).ConfigureAwait(false);
            var held = (await victim.WaitForAsync("holding ", Timeouts.Short, token).ConfigureAwait(false)).Split(' ')[1];
            await victim.KillAsync().ConfigureAwait(false); // no goodbye, no XACK: as if the machine lost power
            var rescuers = languages.Select(language => StartWorker(language, address, python, idle)).ToList();
            workers.AddRange(rescuers);
            foreach (var worker in rescuers)
            {
                await worker.WaitForAsync("worker ", Timeouts.Short, token).ConfigureAwait(false);
            }
            var report = await CollectAsync(db, keys, run, count, Timeouts.Long, token).ConfigureAwait(false);
            var seq = int.Parse(held.Split('/')[1], CultureInfo.InvariantCulture);
            var rescuer = report.Results.TryGetValue(seq, out var r) ? r.Worker : "nobody";
            return new MixedRun(report, held, victimName, rescuer, languages);
        }
        finally
        {
            foreach (var w in workers)
            {
                await w.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One task that fails on every delivery: after MaxDeliveries it lands in the dead-letter stream.</summary>
    public static async Task<(Report Report, StreamEntry[] Dead)> DeadLetterRunAsync(RedisAddress address, Keys keys, int claimIdleMs, CancellationToken token)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(address.Options()).ConfigureAwait(false);
        var db = connection.GetDatabase();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var worker = new Worker(db, keys, "dotnet-dl", claimIdleMs, say: _ => { });
        var running = worker.RunAsync(stop.Token);
        try
        {
            var run = NewRunId();
            await PutTasksAsync(db, keys, run, 2, 0, new HashSet<int> { 1 }, token: token).ConfigureAwait(false);
            var report = await CollectAsync(db, keys, run, 2, Timeouts.Short, token).ConfigureAwait(false);
            return (report, await db.StreamRangeAsync(keys.Dead).ConfigureAwait(false));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
    // </demo>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var (address, server) = await PrivateRedisServer.UrlOrPrivateAsync(ctx.CancellationToken).ConfigureAwait(false);
        try
        {
            ctx.Out.WriteLine($"redis: {address.Redacted()}");
            var idle = Math.Max(50, (int)ctx.Seconds(5).TotalMilliseconds);
            var python = FindPython();
            var keys = new Keys($"parity-{NewRunId()}");
            var mixed = await MixedRunAsync(address, 12, Math.Max(1, (int)ctx.Seconds(1).TotalMilliseconds), idle, keys, python, ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine($"workers: {string.Join(", ", mixed.Languages)} (plus one dotnet worker killed on purpose)");
            if (python is null)
            {
                ctx.Out.WriteLine("no Python with the parity package found (set PARITY_PYTHON): .NET workers only");
            }
            var seq = mixed.Killed.Split('/')[1];
            ctx.Out.WriteLine($"killed {mixed.KilledWorker} while it held task {seq}");
            var rescued = mixed.RescuedBy != mixed.KilledWorker && mixed.RescuedBy != "nobody" ? "another worker" : "nobody";
            ctx.Out.WriteLine($"task {seq} was claimed after the idle time and finished by {rescued}");
            ctx.Out.WriteLine($"submit: {mixed.Report.Line()}");
            ctx.Out.WriteLine($"every task exactly once: {mixed.Report.Ok}");
            var (report, dead) = await DeadLetterRunAsync(address, new Keys($"parity-dl-{NewRunId()}"), idle, ctx.CancellationToken).ConfigureAwait(false);
            var deliveries = dead.Length > 0 ? dead[0]["deliveries"].ToString() : "?";
            var reason = dead.Length > 0 ? dead[0]["reason"].ToString() : "?";
            ctx.Out.WriteLine($"a task failing every time: dead-lettered after {deliveries} deliveries ({reason}); its run: {report.Line()}");
            if (!mixed.Report.Ok)
            {
                throw new InvalidOperationException($"not every task has exactly one result: {mixed.Report.Line()}");
            }
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The child entry point: <c>Parity.Cli.dll child scale.task-queue --redis URL ...</c> is a worker.</summary>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args) => TaskQueueCommands.WorkerAsync(args, ctx.Out, ctx.CancellationToken);
}

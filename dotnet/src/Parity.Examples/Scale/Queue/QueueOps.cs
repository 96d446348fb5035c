using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Parity.Examples.Scale.Queue;

/// <summary>One stream entry in a worker's hands: its bytes as stored, how often the group
/// handed it out (XPENDING) and how often it raised before (the entry's attempt field).</summary>
public sealed record Delivery(string EntryId, byte[] Raw, long Deliveries, int Attempt);

/// <summary>
/// The Redis steps the task-queue lesson (Scale/TaskQueue.cs) names but does not spell out: the
/// roles' ACL rules, the lease, and the moves of a task that is not simply finished: retried
/// later, handed back, dead-lettered, or found trimmed from the stream. Python's side is
/// parity/scale/_queue/redis_ops.py; both write the same keys and fields.
/// </summary>
public static partial class QueueOps
{
    public const long StreamCap = 100_000;

    /// <summary>How long an idle worker or a held-back submitter waits before it asks again:
    /// StackExchange.Redis has no blocking XREADGROUP (one multiplexed connection must never block).</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary><see cref="StreamCap"/>: MAXLEN on every XADD, a hard ceiling far above any backlog.</summary>
    public const long Cap = StreamCap;
    public const int RetryBaseMs = 100;
    public const int RetryCapMs = 60_000;
    public const long HandBackIdleMs = 10_000_000_000; // about 115 days: past any claim idle time

    /// <summary>Every per-run key expires a day after its last write.</summary>
    public static readonly TimeSpan RunTtl = TimeSpan.FromDays(1);

    /// <summary>How long a worker keeps trying a server that went away (a restart).</summary>
    public static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(60);

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // On a shared server give each role an ACL user (redis-server 6+) with only its keys and
    // commands; never CONFIG, whose GET would read the admin password (the same rules as Python's).
    public const string ConnectAcl = "+@connection +info +role";
    public const string WorkerAcl = "+xreadgroup +xautoclaim +xclaim +xpending +xack +xdel +xadd "
        + "+xgroup|create +hsetnx +hincrby +hset +expire +multi +exec +discard +xgroup|delconsumer "
        + "+zadd +zrangebyscore +zscore +zrem +watch +unwatch";
    public const string SubmitterAcl = "+xadd +xlen +xgroup|create +hlen +hkeys +hmget +hgetall +hvals +hscan +del +unlink "
        + "+xpending +xrange +zcard +zrange +xdel +hdel +multi +exec +discard";

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex NotHostChar();

    /// <summary>The arguments of ACL SETUSER for one role: its own keys, no channels, no other command.</summary>
    public static object[] AclSetUser(string user, string password, string rules, Keys keys) =>
    [
        "SETUSER", user, "on", $">{password}", "resetkeys", $"~{keys.Ns}:*", "resetchannels", "-@all",
        .. ConnectAcl.Split(' '), .. rules.Split(' '),
    ];

    /// <summary>Why this server cannot run the queue, or null: XAUTOCLAIM came in Redis 6.2 and its
    /// reply gained a third element (deleted ids) in 7.0, which both clients expect.</summary>
    public static string? VersionProblem(Version version) =>
        version < new Version(7, 0) ? $"Redis {version} is too old: the task queue needs Redis 7.0 or later" : null;

    /// <summary><paramref name="name"/> if valid, else language-HOST-PID; ArgumentException for a bad name.</summary>
    public static string WorkerName(string language, string? name)
    {
        if (name is not null)
        {
            return Messages.NamePattern().IsMatch(name)
                ? name
                : throw new ArgumentException($"worker name must match [A-Za-z0-9._:-]{{1,64}}, got '{name}'", nameof(name));
        }
        var host = NotHostChar().Replace(Dns.GetHostName(), "-");
        return $"{language}-{(host.Length == 0 ? "host" : host[..Math.Min(40, host.Length)])}-{Environment.ProcessId}";
    }

    /// <summary>The demo's task: take task.Ms (or stop early when cancelled), fail if asked to.</summary>
    public static async Task SimulatedWork(TaskMessage task, CancellationToken token)
    {
        await Task.Delay(task.Ms, token).ConfigureAwait(false);
        if (task.Fail)
        {
            throw new InvalidOperationException("the task asked to fail");
        }
    }

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

    /// <summary>The pause before attempt <paramref name="attempt"/> + 1 of a task that raised: 100, 200, 400 ... 60000 ms.</summary>
    public static int BackoffMs(int attempt) => (int)Math.Min(RetryCapMs, RetryBaseMs * Math.Pow(2, Math.Min(attempt, 30)));

    /// <summary>The task in <paramref name="raw"/>, decoded strictly (RedisValue.ToString would put U+FFFD
    /// in place of bad bytes), or null and why not.</summary>
    public static (TaskMessage? Task, string? Bad) Decode(byte[] raw)
    {
        try
        {
            return (Messages.DecodeTask(StrictUtf8.GetString(raw)), null);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return (null, $"bad message: {ex.Message}");
        }
    }

    /// <summary>A pause that ends early, without an exception, when <paramref name="token"/> is cancelled.</summary>
    public static async Task PauseAsync(TimeSpan pause, CancellationToken token) =>
        await Task.Delay(pause, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>Back-pressure: one poll's wait while the stream is full; TimeoutException past the deadline.</summary>
    public static async Task HoldBackAsync(int backlog, DateTime deadline, CancellationToken token)
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"the stream stayed full ({backlog} tasks) until the timeout");
        }
        await Task.Delay(Poll, token).ConfigureAwait(false);
    }

    /// <summary>The first entry XREADGROUP gave (delivered once: new), or null.</summary>
    public static Delivery? First(StreamEntry[] read) => read.Length == 0 ? null : ToDelivery(read[0], 1);

    public static Delivery ToDelivery(StreamEntry entry, long deliveries)
    {
        var attempt = entry["attempt"];
        var number = attempt.IsNull ? 0 : int.TryParse(attempt.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new Delivery(entry.Id!, (byte[]?)entry["task"] ?? [], deliveries, number);
    }

    /// <summary>XAUTOCLAIM from <paramref name="cursor"/>, COUNT 1: the next cursor and the entry claimed, if
    /// any, with its delivery count from XPENDING (0 when its holder acknowledged it meanwhile). Ids the
    /// reply lists as deleted (pending, but trimmed from the stream by MAXLEN) are recorded.</summary>
    public static async Task<(RedisValue Cursor, Delivery? Claimed)> ClaimOneAsync(IDatabase db, Keys keys, string name,
        long idleMs, RedisValue cursor)
    {
        var reply = await db.StreamAutoClaimAsync(keys.Tasks, keys.Group, name, idleMs, cursor, 1).ConfigureAwait(false);
        foreach (var id in reply.DeletedIds)
        {
            await TrimmedAsync(db, keys, name, id).ConfigureAwait(false);
        }
        if (reply.ClaimedEntries.Length == 0)
        {
            return (reply.NextStartId, null);
        }
        var entry = reply.ClaimedEntries[0];
        var count = await PendingCountAsync(db, keys, entry.Id!).ConfigureAwait(false);
        return (reply.NextStartId, ToDelivery(entry, count ?? 0));
    }

    /// <summary>The entry's delivery count, or null when nothing is pending under that id (finished).</summary>
    public static async Task<long?> PendingCountAsync(IDatabase db, Keys keys, string entryId)
    {
        var pending = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, RedisValue.Null, entryId, entryId).ConfigureAwait(false);
        return pending.Length == 0 ? null : pending[0].DeliveryCount;
    }

    /// <summary>Moves the entry to the dead-letter stream, byte for byte, in one MULTI with its XACK;
    /// returns the line a worker prints.</summary>
    public static async Task<string> DeadLetterAsync(IDatabase db, Keys keys, string worker, Delivery d, TaskMessage? task, string reason)
    {
        var tx = db.CreateTransaction();
        _ = tx.StreamAddAsync(keys.Dead,
            [new("task", d.Raw), new("deliveries", d.Deliveries), new("attempt", d.Attempt), new("worker", worker),
             new("reason", reason), new("entry", d.EntryId)],
            maxLength: StreamCap);
        if (task is not null)
        {
            _ = tx.HashSetAsync(keys.DeadInRun(task.Run), task.Seq, reason);
            _ = tx.KeyExpireAsync(keys.DeadInRun(task.Run), RunTtl);
        }
        _ = tx.StreamAcknowledgeAsync(keys.Tasks, keys.Group, d.EntryId);
        _ = tx.StreamDeleteAsync(keys.Tasks, [d.EntryId]);
        await tx.ExecuteAsync().ConfigureAwait(false);
        return $"dead-lettered {(task is null ? d.EntryId : $"{task.Run}/{task.Seq}")}: {reason}";
    }

    /// <summary>XAUTOCLAIM found a pending entry whose data MAXLEN trimmed away: records the loss.</summary>
    public static Task TrimmedAsync(IDatabase db, Keys keys, string worker, RedisValue entryId) =>
        db.StreamAddAsync(keys.Dead,
            [new("task", Array.Empty<byte>()), new("deliveries", 0), new("attempt", 0), new("worker", worker),
             new("reason", "trimmed from the stream (MAXLEN) while pending: its task is gone"), new("entry", entryId)],
            maxLength: StreamCap);

    /// <summary>The task threw (or ran past its time limit): retried after a pause that doubles
    /// each time (<see cref="BackoffMs"/>), apart from redelivery, or dead-lettered after
    /// <paramref name="maxAttempts"/>; returns the line a worker prints.</summary>
    public static async Task<string> FailedAsync(IDatabase db, Keys keys, string name, Delivery d, TaskMessage task,
        string why, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(task);
        if (d.Attempt + 1 >= maxAttempts)
        {
            return await DeadLetterAsync(db, keys, name, d, task, $"failed {d.Attempt + 1} times: {why}").ConfigureAwait(false);
        }
        var pause = BackoffMs(d.Attempt);
        await RetryLaterAsync(db, keys, d, pause).ConfigureAwait(false);
        return $"failed {task.Run}/{task.Seq} ({why}): attempt {d.Attempt + 2} in {pause} ms";
    }

    /// <summary>The task raised: parks it in the retry set until its pause is over (one MULTI with the
    /// XACK), so a failure is retried with backoff and never mistaken for a dead worker.</summary>
    public static async Task RetryLaterAsync(IDatabase db, Keys keys, Delivery d, int delayMs)
    {
        var member = $"{d.Attempt + 1} {StrictUtf8.GetString(d.Raw)}";
        var tx = db.CreateTransaction();
        _ = tx.SortedSetAddAsync(keys.Retry, member, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + delayMs);
        _ = tx.StreamAcknowledgeAsync(keys.Tasks, keys.Group, d.EntryId);
        _ = tx.StreamDeleteAsync(keys.Tasks, [d.EntryId]);
        await tx.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Puts retries whose pause is over back on the stream; the transaction's condition
    /// (WATCH underneath) makes the ZREM and the XADD happen together and once, whoever gets there first.</summary>
    public static async Task<int> PromoteDueAsync(IDatabase db, Keys keys, int limit = 10)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var due = await db.SortedSetRangeByScoreAsync(keys.Retry, double.NegativeInfinity, now, take: limit).ConfigureAwait(false);
        var moved = 0;
        foreach (var member in due)
        {
            var text = member.ToString();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var tx = db.CreateTransaction();
            tx.AddCondition(Condition.SortedSetContains(keys.Retry, member));
            _ = tx.SortedSetRemoveAsync(keys.Retry, member);
            _ = tx.StreamAddAsync(keys.Tasks, [new("task", text[(space + 1)..]), new("attempt", text[..space])], maxLength: StreamCap);
            moved += await tx.ExecuteAsync().ConfigureAwait(false) ? 1 : 0;
        }
        return moved;
    }

    /// <summary>Stopping mid-task: makes the entry look long idle (XCLAIM IDLE) so the next worker claims
    /// it at once, with the delivery count it had before we took it (RETRYCOUNT).</summary>
    public static Task HandBackAsync(IDatabase db, Keys keys, string name, Delivery d) =>
        db.ExecuteAsync("XCLAIM", keys.Tasks, keys.Group, name, 0, d.EntryId,
            "IDLE", HandBackIdleMs, "RETRYCOUNT", Math.Max(0, d.Deliveries - 1), "JUSTID");

    /// <summary>On a clean stop, deletes this worker's consumer from the group, unless it still holds
    /// a task: XGROUP DELCONSUMER would drop that task's pending entry, and the task with it.</summary>
    public static async Task LeaveAsync(IDatabase db, Keys keys, string name)
    {
        var held = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, name).ConfigureAwait(false);
        if (held.Length == 0)
        {
            await db.StreamDeleteConsumerAsync(keys.Tasks, keys.Group, name).ConfigureAwait(false);
        }
    }

    /// <summary>A server that went away, or came back and still loads its data (-LOADING).</summary>
    private static bool Unreachable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException
        || (ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal));

    /// <summary>Runs <paramref name="step"/> again after a growing pause while the server is unreachable
    /// (a restart), for at most <see cref="Reconnect"/>; a server restarted without persistence comes
    /// back empty, so a missing group is recreated. Cancelled: returns the default, no exception.</summary>
    public static async Task<T> ReconnectingAsync<T>(IDatabase db, Keys keys, Func<Task<T>> step, Action<string> say, CancellationToken token)
    {
        var started = DateTime.UtcNow;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return default!;
            }
            catch (RedisServerException ex) when (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
            {
                await EnsureGroupAsync(db, keys).ConfigureAwait(false);
            }
            catch (Exception ex) when (Unreachable(ex) && DateTime.UtcNow - started < Reconnect && !token.IsCancellationRequested)
            {
                say($"server unreachable ({ex.GetType().Name}); trying again in {pause.TotalSeconds:0.##} s");
                await PauseAsync(pause, token).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }
}

/// <summary>
/// While a task runs: renews its lease every third of the claim idle time (XCLAIM of our own entry
/// with JUSTID, which resets the idle time without raising the delivery count), and cancels
/// <see cref="Token"/> when the worker is asked to stop or the task passes its time limit.
/// </summary>
public sealed class Guard : IAsyncDisposable
{
    private readonly CancellationTokenSource _limit;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenSource _done = new();
    private readonly Task _renewing;

    public Guard(IDatabase db, Keys keys, string name, string entryId, int claimIdleMs, int timeLimitMs,
        Action<string> say, CancellationToken stop)
    {
        _limit = timeLimitMs > 0 ? new CancellationTokenSource(timeLimitMs) : new CancellationTokenSource();
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop, _limit.Token);
        _renewing = RenewAsync(db, keys, name, entryId, claimIdleMs, say);
    }

    public CancellationToken Token => _cancel.Token;

    public bool TimedOut => _limit.IsCancellationRequested;

    /// <summary>How a guarded task ended: done (both false/null), stopped mid-task, or failed and why.</summary>
    public sealed record Outcome(bool Stopped, string? Error);

    /// <summary>Runs <paramref name="work"/> under a guard: its exception, or the time limit, is an
    /// <see cref="Outcome.Error"/>; a stop requested meanwhile is <see cref="Outcome.Stopped"/>.</summary>
    public static async Task<Outcome> RunAsync(IDatabase db, Keys keys, string name, string entryId, int claimIdleMs,
        int timeLimitMs, Action<string> say, Func<CancellationToken, Task> work, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var guard = new Guard(db, keys, name, entryId, claimIdleMs, timeLimitMs, say, stop);
        try
        {
            await work(guard.Token).ConfigureAwait(false);
            return new Outcome(false, null);
        }
        catch (OperationCanceledException) when (guard.Token.IsCancellationRequested && !guard.TimedOut)
        {
            return new Outcome(true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || guard.TimedOut)
        {
            return new Outcome(false, guard.TimedOut ? $"over the time limit of {timeLimitMs} ms" : $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task RenewAsync(IDatabase db, Keys keys, string name, string entryId, int claimIdleMs, Action<string> say)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, claimIdleMs / 3)));
        try
        {
            while (await timer.WaitForNextTickAsync(_done.Token).ConfigureAwait(false))
            {
                try
                {
                    var pending = await db.StreamPendingMessagesAsync(keys.Tasks, keys.Group, 1, RedisValue.Null, entryId, entryId).ConfigureAwait(false);
                    if (pending.Length == 0 || pending[0].ConsumerName != name)
                    {
                        say($"lease on {entryId} lost: another worker claimed it");
                        return; // this worker stalled past the idle time: let it go
                    }
                    await db.StreamClaimIdsOnlyAsync(keys.Tasks, keys.Group, name, 0, [entryId]).ConfigureAwait(false);
                }
                catch (RedisException ex)
                {
                    // The server is away (a restart): try again next time.
                    say($"lease on {entryId} not renewed this time: {ex.GetType().Name}");
                }
            }
        }
        catch (OperationCanceledException) when (_done.IsCancellationRequested)
        {
            // The task ended: its lease ends with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _done.Dispose();
        _cancel.Dispose();
        _limit.Dispose();
    }
}

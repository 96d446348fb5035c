using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Parity.Examples.Scale.Queue;

/// <summary>What submit read back for one run; <c>Lost</c>: missing tasks found nowhere in Redis.</summary>
public sealed record Report(int Tasks, IReadOnlyDictionary<int, ResultMessage> Results, long Duplicates, long Dead, int Bad, long Lost = 0)
{
    public int Missing => Tasks - Results.Count;

    /// <summary>Every task has exactly one (correct) result.</summary>
    public bool Ok => Missing == 0 && Bad == 0 && Dead == 0;

    public string Line() => Messages.ReportLine(Tasks, Results.Values.Select(r => (r.Lang, r.Worker)), Duplicates, Dead, Lost);
}

/// <summary>
/// What the submitter reads back: every result of its run, counted once and read in pages, its
/// progress while it waits, and for a task still missing at the end whether it is slow (queued,
/// running, waiting for a retry) or lost. Python's side: parity/scale/_queue/report.py.
/// </summary>
public static class Reports
{
    public const int Page = 1000;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static string NewRunId() =>
        $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    /// <summary>The tasks of the run dead-lettered without a result: a task can have both when a worker
    /// dead-lettered it while another finished it, and then it counts as finished, once.</summary>
    public static async Task<List<RedisValue>> DeadOnlyAsync(IDatabase db, Keys keys, string run)
    {
        var dead = new List<RedisValue>();
        await foreach (var entry in db.HashScanAsync(keys.DeadInRun(run), pageSize: Page).ConfigureAwait(false))
        {
            dead.Add(entry.Name);
        }
        var only = new List<RedisValue>();
        foreach (var chunk in dead.Chunk(Page))
        {
            var found = await db.HashGetAsync(keys.Results(run), chunk).ConfigureAwait(false);
            only.AddRange(chunk.Where((_, i) => found[i].IsNull));
        }
        return only;
    }

    /// <summary>Done and dead for this run; in flight, waiting and retrying for the whole queue.</summary>
    public static async Task<string> ProgressLineAsync(IDatabase db, Keys keys, string run, int count)
    {
        var done = await db.HashLengthAsync(keys.Results(run)).ConfigureAwait(false);
        var dead = (await DeadOnlyAsync(db, keys, run).ConfigureAwait(false)).Count;
        var inFlight = (await db.StreamPendingAsync(keys.Tasks, keys.Group).ConfigureAwait(false)).PendingMessageCount;
        var waiting = await db.StreamLengthAsync(keys.Tasks).ConfigureAwait(false) - inFlight;
        var retrying = await db.SortedSetLengthAsync(keys.Retry).ConfigureAwait(false);
        return $"progress: done={done}/{count} dead={dead} queue: in-flight={inFlight} waiting={waiting} retrying={retrying}";
    }

    /// <summary>The seqs of the run still in the stream (waiting or in flight) or waiting for a retry.</summary>
    public static async Task<HashSet<int>> WhereTasksAreAsync(IDatabase db, Keys keys, string run)
    {
        var found = new HashSet<int>();
        RedisValue start = "-";
        while (true)
        {
            var page = await db.StreamRangeAsync(keys.Tasks, start, "+", Page).ConfigureAwait(false);
            foreach (var entry in page)
            {
                SeqOf((byte[]?)entry["task"] ?? [], run, found);
            }
            if (page.Length < Page)
            {
                break;
            }
            start = "(" + page[^1].Id;
        }
        foreach (var member in await db.SortedSetRangeByRankAsync(keys.Retry).ConfigureAwait(false))
        {
            var text = member.ToString();
            SeqOf(System.Text.Encoding.UTF8.GetBytes(text[(text.IndexOf(' ', StringComparison.Ordinal) + 1)..]), run, found);
        }
        return found;
    }

    private static void SeqOf(byte[] raw, string run, HashSet<int> found)
    {
        try
        {
            var task = Messages.DecodeTask(QueueOps.StrictUtf8.GetString(raw));
            if (task.Run == run)
            {
                found.Add(task.Seq);
            }
        }
        catch (Exception ex) when (ex is FormatException or System.Text.DecoderFallbackException)
        {
            // Not a task of ours.
        }
    }

    /// <summary>Waits until every task has a result or a dead letter (or the timeout), then reads them.</summary>
    public static async Task<Report> CollectAsync(IDatabase db, Keys keys, string run, int count, TimeSpan timeout,
        Action<string>? progress = null, CancellationToken token = default)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? shown = null;
        var last = string.Empty;
        while (await db.HashLengthAsync(keys.Results(run)).ConfigureAwait(false) + (await DeadOnlyAsync(db, keys, run).ConfigureAwait(false)).Count < count
            && clock.Elapsed < timeout)
        {
            if (progress is not null && (shown is null || clock.Elapsed - shown >= ProgressEvery))
            {
                var line = await ProgressLineAsync(db, keys, run, count).ConfigureAwait(false);
                if (line != last)
                {
                    progress(line);
                    (last, shown) = (line, clock.Elapsed);
                }
            }
            await Task.Delay(Poll, token).ConfigureAwait(false);
        }
        var results = new Dictionary<int, ResultMessage>();
        var bad = 0;
        await foreach (var entry in db.HashScanAsync(keys.Results(run), pageSize: Page).ConfigureAwait(false))
        {
            try
            {
                var result = Messages.DecodeResult(entry.Value.ToString());
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
        long duplicates = 0;
        await foreach (var entry in db.HashScanAsync(keys.Duplicates(run), pageSize: Page).ConfigureAwait(false))
        {
            duplicates += (long)entry.Value;
        }
        var deadOnly = await DeadOnlyAsync(db, keys, run).ConfigureAwait(false);
        long lost = 0;
        if (results.Count < count)
        {
            // Looked for twice: a task moving from the retry set to the stream between two reads
            // would be missed by one look.
            var missing = Enumerable.Range(0, count).Except(results.Keys)
                .Except(deadOnly.Select(v => (int)v)).ToHashSet();
            for (var look = 0; look < 2; look++)
            {
                missing.ExceptWith(await WhereTasksAreAsync(db, keys, run).ConfigureAwait(false));
            }
            lost = missing.Count;
        }
        await db.KeyDeleteAsync([keys.Results(run), keys.Duplicates(run), keys.DeadInRun(run)]).ConfigureAwait(false);
        return new Report(count, results, duplicates, deadOnly.Count, bad, lost);
    }
}

using System.Text;
using StackExchange.Redis;

namespace Parity.Examples.Scale.Queue;

/// <summary>
/// The dead-letter stream, read and re-driven: what <c>Parity.Cli dead list|redrive</c> does, the
/// same as <c>python -m parity.scale.dead</c> (parity/scale/_queue/dead.py), line for line.
/// </summary>
public static class DeadLetters
{
    /// <summary>One line per letter, oldest first: id, the task as text (0x and hex when it is not
    /// UTF-8), deliveries, attempt, worker, then the reason.</summary>
    public static async Task<List<string>> ListAsync(IDatabase db, Keys keys)
    {
        var lines = new List<string>();
        RedisValue start = "-";
        while (true)
        {
            var page = await db.StreamRangeAsync(keys.Dead, start, "+", Reports.Page).ConfigureAwait(false);
            lines.AddRange(page.Select(Line));
            if (page.Length < Reports.Page)
            {
                return lines;
            }
            start = "(" + page[^1].Id;
        }
    }

    public static string Line(StreamEntry e)
    {
        var raw = (byte[]?)e["task"] ?? [];
        string task;
        try
        {
            task = QueueOps.StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            task = "0x" + Convert.ToHexStringLower(raw);
        }
        return $"{e.Id} task={task} deliveries={e["deliveries"]} attempt={e["attempt"]} worker={e["worker"]} reason: {e["reason"]}";
    }

    /// <summary>Puts the named letters (every letter when none is named) back on the task stream as
    /// fresh tasks, each in one MULTI with its XDEL from the dead-letter stream; a run's record of
    /// the letter goes too, so its submitter counts the task again. Returns how many moved and the
    /// ids not found (or whose task is gone: trimmed while pending).</summary>
    public static async Task<(int Moved, List<string> Missing)> RedriveAsync(IDatabase db, Keys keys, IReadOnlyList<string> ids)
    {
        var entries = new List<StreamEntry>();
        var missing = new List<string>();
        if (ids.Count == 0)
        {
            RedisValue start = "-";
            while (true)
            {
                var page = await db.StreamRangeAsync(keys.Dead, start, "+", Reports.Page).ConfigureAwait(false);
                entries.AddRange(page);
                if (page.Length < Reports.Page)
                {
                    break;
                }
                start = "(" + page[^1].Id;
            }
        }
        foreach (var id in ids)
        {
            var found = await db.StreamRangeAsync(keys.Dead, id, id, 1).ConfigureAwait(false);
            if (found.Length == 0)
            {
                missing.Add(id);
            }
            entries.AddRange(found);
        }
        var moved = 0;
        foreach (var entry in entries)
        {
            var raw = (byte[]?)entry["task"] ?? [];
            if (raw.Length == 0)
            {
                missing.Add(entry.Id!);
                continue;
            }
            var tx = db.CreateTransaction();
            _ = tx.StreamAddAsync(keys.Tasks, "task", raw, maxLength: QueueOps.StreamCap);
            _ = tx.StreamDeleteAsync(keys.Dead, [entry.Id]);
            try
            {
                var task = Messages.DecodeTask(QueueOps.StrictUtf8.GetString(raw));
                _ = tx.HashDeleteAsync(keys.DeadInRun(task.Run), task.Seq);
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                // Not a task message: it goes back as it is, and will be dead-lettered again.
            }
            moved += await tx.ExecuteAsync().ConfigureAwait(false) ? 1 : 0;
        }
        return (moved, missing);
    }
}

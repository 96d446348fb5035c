using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Parity.Examples.Scale.Queue;

/// <summary>A task: square <c>N</c>, taking <c>Ms</c>; <c>Fail</c> raises on every attempt.</summary>
public sealed record TaskMessage(string Run, int Seq, long N, int Ms, bool Fail = false);

/// <summary>A task's result, recorded once per task (HSETNX).</summary>
public sealed record ResultMessage(string Run, int Seq, long N, long Square, string Worker, string Lang);

/// <summary>Every key of one deployment, under one namespace (tests use a fresh one each).</summary>
public sealed record Keys(string Ns = Messages.Namespace)
{
    public RedisKey Tasks => $"{Ns}:tasks";
    public string Group => $"{Ns}:workers";
    public RedisKey Dead => $"{Ns}:dead";

    /// <summary>Tasks that raised, waiting for their next attempt: a sorted set scored by due time.</summary>
    public RedisKey Retry => $"{Ns}:retry";
    public RedisKey Results(string run) => $"{Ns}:run:{run}:results";
    public RedisKey Duplicates(string run) => $"{Ns}:run:{run}:duplicates";
    public RedisKey DeadInRun(string run) => $"{Ns}:run:{run}:dead";
}

/// <summary>
/// The task queue's message format, the same as Python's (parity/scale/_queue/messages.py;
/// vectors in comparisons/scale/messages.json): one compact JSON object, keys in a fixed order,
/// names limited to [A-Za-z0-9._:-], so both encoders write the same bytes. A decoder refuses
/// anything else the same way in both languages: a repeated key, a name with a final newline
/// (a regex <c>$</c> would let one through: hence <c>\z</c>), a float, a bool where a number belongs.
/// </summary>
public static partial class Messages
{
    public const string Namespace = "parity";
    public const long MaxSquared = 3_037_000_499;
    public const int MaxMs = 600_000;

    private static readonly string[] TaskKeys = ["v", "run", "seq", "n", "ms", "fail"];
    private static readonly string[] ResultKeys = ["v", "run", "seq", "n", "square", "worker", "lang"];

    [GeneratedRegex(@"\A[A-Za-z0-9._:-]{1,64}\z")]
    public static partial Regex NamePattern();

    public static string Encode(TaskMessage t) =>
        Write(TaskKeys, [1, t.Run, t.Seq, t.N, t.Ms, t.Fail]);

    public static string Encode(ResultMessage r) =>
        Write(ResultKeys, [1, r.Run, r.Seq, r.N, r.Square, r.Worker, r.Lang]);

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
        return new TaskMessage(Name(o, "run"), (int)Int(o, "seq", int.MaxValue), Int(o, "n", MaxSquared),
            (int)Int(o, "ms", MaxMs), fail.GetBoolean());
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
        return new ResultMessage(Name(o, "run"), (int)Int(o, "seq", int.MaxValue), n, square, Name(o, "worker"),
            lang.GetString()!);
    }

    /// <summary>The one line submit prints, identical in both languages (vectors in messages.json);
    /// lost: missing tasks found nowhere in Redis (the rest of the missing are slow).</summary>
    public static string ReportLine(int tasks, IEnumerable<(string Lang, string Worker)> finished, long duplicates,
        long dead, long lost = 0)
    {
        var pairs = finished.ToList();
        static string Counts(IEnumerable<string> names) => string.Join(' ', names
            .GroupBy(x => x, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Count()}"));
        var line = $"tasks={tasks} results={pairs.Count} missing={tasks - pairs.Count} lost={lost} "
            + $"duplicates={duplicates} dead={dead} by-language: {Counts(pairs.Select(p => p.Lang))} "
            + $"by-worker: {Counts(pairs.Select(p => p.Worker))}";
        return line.Replace("  ", " ", StringComparison.Ordinal);
    }

    // Compact, keys in the documented order (the decoders' key lists, so one list says it); names
    // are plain ASCII, so no escaping can differ from Python's json.dumps.
    private static string Write(string[] keys, object[] values)
    {
        if (keys.Length != values.Length)
        {
            throw new ArgumentException(
                $"{keys.Length} keys but {values.Length} values", nameof(values));
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (key, value) in keys.Zip(values, (k, v) => (k, v)))
            {
                switch (value)
                {
                    case string text:
                        w.WriteString(key, text);
                        break;
                    case bool flag:
                        w.WriteBoolean(key, flag);
                        break;
                    default:
                        w.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                        break;
                }
            }
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
            if (present.Distinct(StringComparer.Ordinal).Count() != present.Count)
            {
                throw new FormatException($"a key appears twice: {string.Join(", ", present)}");
            }
            if (!present.Order(StringComparer.Ordinal).SequenceEqual(keys.Order(StringComparer.Ordinal)))
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
            || e.GetRawText().Contains('.', StringComparison.Ordinal)
            || e.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase))
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
            throw new FormatException($"{key} must match [A-Za-z0-9._:-]{{1,64}}, got {e.GetRawText()}");
        }
        return e.GetString()!;
    }
}

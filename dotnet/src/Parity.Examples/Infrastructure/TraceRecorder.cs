using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Utf8 = System.Text.Unicode.Utf8;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Records a run as a timeline, in the files and format the Python side writes
/// (python/src/parity/trace): off unless PARITY_TRACE_FILE names the trace. Tasks come from the
/// runtime's own TPL event source, heard in-process: TaskStarted and TaskCompleted are written on
/// the thread that runs the task, so the listener sees that thread (TplEventSource.cs in
/// dotnet/runtime, src/libraries/System.Private.CoreLib/src/System/Threading/Tasks). Each process
/// appends begin and end lines to FILE.parts/PID.jsonl, flushed at once, so a killed child leaves
/// what it began; the first process of the run merges them all when it ends. Times come from
/// Stopwatch.GetTimestamp, the monotonic clock Python's perf_counter reads too.
/// </summary>
public sealed class TraceRecorder : EventListener
{
    public const string FileVariable = "PARITY_TRACE_FILE";
    public const string OriginVariable = "PARITY_TRACE_ORIGIN_NS";

    /// <summary>Async operations get virtual tracks from here, as asyncio tasks do in Python.</summary>
    public const long FirstTaskTid = 1L << 40;

    /// <summary>A ConcurrencyMeter's lanes: a track for each body inside it at once.</summary>
    public const long FirstLaneTid = 1L << 41;

    /// <summary>The recorder of this process's run, while it records one.</summary>
    public static TraceRecorder? Current { get; private set; }
    // The task events of CoreLib (keywords Tasks, TaskStops, and AsyncCausalityOperation for an
    // async method's whole life, begun on one thread and ended on another), and Parallel's own in
    // System.Threading.Tasks.Parallel.dll (ParallelEtwProvider.cs there: loops and Invoke).
    public const EventKeywords TaskKeywords = (EventKeywords)(0x2 | 0x8 | 0x40);

    private static readonly Dictionary<string, EventKeywords> Sources = new(StringComparer.Ordinal)
    {
        ["System.Threading.Tasks.TplEventSource"] = TaskKeywords,
        ["System.Threading.Tasks.Parallel.EventSource"] = EventKeywords.All,
    };

    // The async methods of the lessons, as the runtime names their operations ("Async: " and the
    // state machine's type name): not the framework's, nor this project's infrastructure's. This
    // and QuotedOptions are built when a trace is first recorded: the scan of every type loads
    // Orleans, Redis and twenty more assemblies, and a run that records nothing must not pay it.
    private static readonly Lazy<HashSet<string>> LessonMethods = new(() => [.. typeof(TraceRecorder)
        .Assembly.GetTypes()
        .Where(t => typeof(System.Runtime.CompilerServices.IAsyncStateMachine).IsAssignableFrom(t)
            && t.Namespace != typeof(TraceRecorder).Namespace)
        .Select(t => "Async: " + t.Name)]);

    private static readonly List<EventSource> PendingSources = [];
    private readonly string _trace;
    private readonly TracePart _out;
    private readonly long _origin;
    private readonly bool _first;
    private readonly int _pid = Environment.ProcessId;
    private readonly ConcurrentDictionary<long, bool> _named = new();
    private readonly ConcurrentDictionary<string, string> _quoted = new(StringComparer.Ordinal);
    private readonly int _mainThread = Environment.CurrentManagedThreadId;

    private TraceRecorder(string trace, string processName)
    {
        _trace = trace;
        _first = Environment.GetEnvironmentVariable(OriginVariable) is null;
        if (_first)
        {
            Environment.SetEnvironmentVariable(OriginVariable, NowNs().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        _origin = long.Parse(Environment.GetEnvironmentVariable(OriginVariable)!, System.Globalization.CultureInfo.InvariantCulture);
        var parts = Directory.CreateDirectory(trace + ".parts");
        // Named apart from a Python process's part: one process could hold both runtimes.
        _out = new TracePart(Path.Combine(parts.FullName, $"{_pid}.dotnet.jsonl"));
        Line(new JsonObject { ["ph"] = "M", ["name"] = "process_name", ["tid"] = 0, ["args"] = new JsonObject { ["name"] = processName } });
        Begin(processName, "process");
        lock (PendingSources)
        {
            foreach (var source in PendingSources)
            {
                EnableEvents(source, EventLevel.Informational, Sources[source.Name]);
            }
        }
    }

    /// <summary>A recorder when PARITY_TRACE_FILE is set; otherwise null, and nothing listens.</summary>
    public static TraceRecorder? FromEnvironment(string processName) =>
        Current = Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } trace
            ? new TraceRecorder(Path.GetFullPath(trace), processName)
            : null;

    private static long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private double NowUs() => (NowNs() - _origin) / 1000.0;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // Called from the base constructor too, before this class's fields exist: keep the
        // source, and enable it once constructed.
        if (!Sources.TryGetValue(eventSource.Name, out var keywords))
        {
            return;
        }
        lock (PendingSources)
        {
            PendingSources.Add(eventSource);
        }
        if (_out is not null)
        {
            EnableEvents(eventSource, EventLevel.Informational, keywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventName)
        {
            case "TaskScheduled" when Payload(eventData, "TaskID") is int id:
                Emit(Environment.CurrentManagedThreadId, "s", flow: FlowId(id));
                break;
            case "TaskStarted" when Payload(eventData, "TaskID") is int id:
                Emit(Environment.CurrentManagedThreadId, "B", task: id);
                Emit(Environment.CurrentManagedThreadId, "f", flow: FlowId(id));
                break;
            case "TaskCompleted":
                End();
                break;
            case "TraceOperationBegin" when Payload(eventData, "TaskID") is int id
                && Payload(eventData, "OperationName") is string op && LessonMethods.Value.Contains(op):
                Write(new JsonObject { ["ph"] = "B", ["name"] = op, ["cat"] = "async", ["args"] = OnThread("thread_start") }, FirstTaskTid + id, op);
                break;
            case "TraceOperationEnd" when Payload(eventData, "TaskID") is int id:
                // The thread it ended on: after an await without a synchronization context,
                // often not the one it began on.
                Write(new JsonObject { ["ph"] = "E", ["args"] = OnThread("thread_end") }, FirstTaskTid + id);
                break;
            case "ParallelLoopBegin" or "ParallelInvokeBegin":
                Begin(eventData.EventName == "ParallelLoopBegin" ? "Parallel loop" : "Parallel.Invoke", "parallel");
                break;
            case "ParallelLoopEnd" or "ParallelInvokeEnd":
                End();
                break;
        }
    }

    // A task's arrow, from where it was queued to where it ran: task ids are per process.
    private static long FlowId(int taskId) => ((long)Environment.ProcessId << 30) + taskId;

    private static JsonObject OnThread(string key) => new() { [key] = Environment.CurrentManagedThreadId };

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var at = e.PayloadNames?.IndexOf(name) ?? -1;
        return at >= 0 ? e.Payload?[at] : null;
    }

    public void Begin(string name, string cat) =>
        Emit(Environment.CurrentManagedThreadId, "B", Quoted(name), Quoted(cat));

    public void End() => Emit(Environment.CurrentManagedThreadId, "E");

    /// <summary>A span begun on a track of the caller's choosing (a lane), not its thread's.</summary>
    public void BeginOn(long track, string trackName, string name, string cat) =>
        Emit(track, "B", Quoted(name), Quoted(cat), trackName);

    public void EndOn(long track) => Emit(track, "E");

    // A name as JSON text, encoded once: names repeat (a meter's, a lesson's async method).
    private string Quoted(string text) =>
        _quoted.GetOrAdd(text, static t => JsonSerializer.Serialize(t, QuotedOptions.Value));

    private static readonly Lazy<JsonSerializerOptions> QuotedOptions =
        new(() => new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) });

    /// <summary>A begin, an end, or an arrow's end, formatted straight into UTF-8 bytes on the
    /// stack: the recorder's hot path (a JsonObject a line cost several microseconds).</summary>
    private void Emit(long tid, string ph, string? name = null, string? cat = null, string? trackName = null, long flow = 0, int task = 0)
    {
        // Microseconds with three decimals, written as integers: a double's shortest form costs more.
        var ns = Math.Max(0, NowNs() - _origin);
        var (us, fraction) = Math.DivRem(ns, 1000);
        NameTrack(tid, trackName);
        Span<byte> line = stackalloc byte[512];
        var at = CultureInfo.InvariantCulture;
        int written;
        var done = (ph, name) switch
        {
            ("s" or "f", _) => Utf8.TryWrite(line, at, $"{{\"ph\":\"{ph}\",{(ph == "f" ? "\"bp\":\"e\"," : "")}\"id\":{flow},\"name\":\"submit\",\"cat\":\"flow\",\"tid\":{tid},\"ts\":{us}.{fraction:D3},\"pid\":{_pid}}}\n", out written),
            ("B", null) => Utf8.TryWrite(line, at, $"{{\"ph\":\"B\",\"name\":\"Task {task}\",\"cat\":\"task\",\"tid\":{tid},\"ts\":{us}.{fraction:D3},\"pid\":{_pid}}}\n", out written),
            (_, null) => Utf8.TryWrite(line, at, $"{{\"ph\":\"{ph}\",\"tid\":{tid},\"ts\":{us}.{fraction:D3},\"pid\":{_pid}}}\n", out written),
            _ => Utf8.TryWrite(line, at, $"{{\"ph\":\"{ph}\",\"name\":{name},\"cat\":{cat},\"tid\":{tid},\"ts\":{us}.{fraction:D3},\"pid\":{_pid}}}\n", out written),
        };
        if (done)
        {
            _out.Append(line[..written]);
        }
        else // a name too long for the stack: the slow road
        {
            Line(new JsonObject { ["ph"] = ph, ["name"] = JsonNode.Parse(name!), ["cat"] = JsonNode.Parse(cat!), ["tid"] = tid, ["ts"] = ns / 1000.0 });
        }
    }

    private void Write(JsonObject e, long? onTrack = null, string? trackName = null)
    {
        var tid = onTrack ?? Environment.CurrentManagedThreadId;
        e["tid"] = tid;
        e["ts"] = NowUs();
        NameTrack(tid, trackName);
        Line(e);
    }

    private void NameTrack(long tid, string? trackName)
    {
        // The first event on a track names it (the merge sorts). TryAdd takes a lock even when
        // the key is there, so ask first: every pool thread passes here for every event.
        if (!_named.ContainsKey(tid) && _named.TryAdd(tid, true))
        {
            var thread = Thread.CurrentThread;
            var name = trackName ?? thread.Name
                ?? (thread.IsThreadPoolThread ? $"pool thread {tid}" : $"thread {tid}");
            Line(new JsonObject { ["ph"] = "M", ["name"] = "thread_name", ["tid"] = tid, ["args"] = new JsonObject { ["name"] = name } });
        }
    }

    private void Line(JsonObject e)
    {
        e["pid"] = _pid;
        _out.Append(System.Text.Encoding.UTF8.GetBytes(e.ToJsonString() + "\n"));
    }

    public override void Dispose()
    {
        Current = null;
        Emit(_mainThread, "E"); // the process span, on the thread that began it
        base.Dispose();
        _out.Dispose();
        if (_first)
        {
            TraceFile.Write(TraceFile.Merge(_trace + ".parts"), _trace);
        }
    }
}

/// <summary>The merge of a run's parts into one trace: python/src/parity/trace/schema.py, ported.</summary>
public static class TraceFile
{
    public static JsonObject Merge(string parts)
    {
        var raw = Directory.EnumerateFiles(parts, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(f => Lines(File.ReadAllText(f))).ToList();
        var last = raw.Where(e => e["ts"] is not null).Select(e => (double)e["ts"]!).DefaultIfEmpty(0).Max();
        var output = new List<JsonObject>();
        var named = new HashSet<string>();
        var stacks = new Dictionary<(long, long), Stack<JsonObject>>();
        foreach (var e in raw.OrderBy(e => e["ts"] is null ? -1 : (double)e["ts"]!))
        {
            var key = ((long)e["pid"]!, (long)e["tid"]!);
            var stack = stacks.TryGetValue(key, out var s) ? s : stacks[key] = new Stack<JsonObject>();
            switch ((string)e["ph"]!)
            {
                case "M" when named.Add($"{e["name"]} {key}"):
                    output.Add(e);
                    break;
                case "B":
                    stack.Push(e);
                    break;
                case "E" when stack.Count > 0:
                    output.Add(Span(stack.Pop(), (double)e["ts"]!, unfinished: false, e["args"] as JsonObject));
                    break;
                case "i" or "s" or "f":
                    output.Add(e);
                    break;
            }
        }
        foreach (var begun in stacks.Values.SelectMany(s => s))
        {
            var span = Span(begun, last, unfinished: true);
            output.Add(span);
            if ((string)begun["cat"]! == "process")
            {
                output.Add(new JsonObject { ["ph"] = "i", ["s"] = "t", ["name"] = "killed", ["pid"] = begun["pid"]!.DeepClone(), ["tid"] = begun["tid"]!.DeepClone(), ["ts"] = last });
            }
        }
        // An arrow with one end only (a task queued and never run, or run unseen) is dropped.
        var tails = output.Where(e => (string)e["ph"]! == "s").Select(e => (long)e["id"]!).ToHashSet();
        var heads = output.Where(e => (string)e["ph"]! == "f").Select(e => (long)e["id"]!).ToHashSet();
        tails.IntersectWith(heads);
        output.RemoveAll(e => (string)e["ph"]! is "s" or "f" && !tails.Contains((long)e["id"]!));
        var events = new JsonArray([.. output
            .OrderBy(e => (string)e["ph"]! == "M" ? 0 : 1)
            .ThenBy(e => e["ts"] is null ? 0 : (double)e["ts"]!)]);
        return new JsonObject { ["traceEvents"] = events, ["displayTimeUnit"] = "ms", ["otherData"] = new JsonObject { ["version"] = 1 } };
    }

    /// <summary>A part's events. Zeros mark a part a killed process left (TracePart): they end
    /// its lines too, and only there may a line be torn, cut off mid-copy.</summary>
    private static IEnumerable<JsonObject> Lines(string text)
    {
        var killed = text.Contains('\0', StringComparison.Ordinal);
        foreach (var line in text.Split(['\n', '\0'], StringSplitOptions.RemoveEmptyEntries))
        {
            JsonObject? e;
            try
            {
                e = JsonNode.Parse(line)?.AsObject();
            }
            catch (JsonException) when (killed)
            {
                continue;
            }
            if (e is not null)
            {
                yield return e;
            }
        }
    }

    private static JsonObject Span(JsonObject begun, double ended, bool unfinished, JsonObject? endArgs = null)
    {
        var args = new JsonObject();
        foreach (var (key, value) in (begun["args"] as JsonObject ?? []).Concat(endArgs ?? []))
        {
            args[key] = value?.DeepClone();
        }
        if (unfinished)
        {
            args["unfinished"] = true;
            if ((string)begun["cat"]! == "process")
            {
                args["killed"] = true;
            }
        }
        var ts = (double)begun["ts"]!;
        return new JsonObject
        {
            ["pid"] = begun["pid"]!.DeepClone(),
            ["tid"] = begun["tid"]!.DeepClone(),
            ["ph"] = "X",
            ["name"] = begun["name"]!.DeepClone(),
            ["cat"] = begun["cat"]!.DeepClone(),
            ["ts"] = ts,
            ["dur"] = Math.Max(0, ended - ts),
            ["args"] = args,
        };
    }

    public static void Write(JsonObject trace, string path)
    {
        File.WriteAllText(path, trace.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        var parts = path + ".parts";
        foreach (var part in Directory.EnumerateFiles(parts, "*.jsonl"))
        {
            File.Delete(part);
        }
        Directory.Delete(parts);
    }
}

using BenchmarkDotNet.Attributes;
using Parity.Examples.Bridge;
using Parity.Examples.Infrastructure;

namespace Parity.Benchmarks;

/// <summary>
/// What a timeline costs (Parity.Examples' TraceRecorder): one span written, one Task recorded
/// through the runtime's TPL events, and the CPU-bound map on PLINQ(2) with the recorder off and
/// on. Each iteration records into a fresh part (a part holds 64 MiB), so every span measured is
/// really written: one invocation an iteration, each a loop of many operations.
/// </summary>
[InvocationCount(1)]
public class TraceBenchmarks
{
    private const int Spans = 50_000;
    private const int Tasks = 5_000;
    private string _folder = "";
    private TraceRecorder? _recorder;
    private SilentListener? _silent;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("parity-trace-bench-").FullName;
        // Not the run's first process, so closing a part never merges it.
        Environment.SetEnvironmentVariable(TraceRecorder.OriginVariable, "0");
    }

    [IterationSetup(Targets = [nameof(Span), nameof(TaskRecorded), nameof(MapTraced)])]
    public void StartRecording()
    {
        Environment.SetEnvironmentVariable(TraceRecorder.FileVariable, Path.Combine(_folder, "trace.json"));
        _recorder = TraceRecorder.FromEnvironment("bench");
        Environment.SetEnvironmentVariable(TraceRecorder.FileVariable, null);
    }

    [IterationCleanup(Targets = [nameof(Span), nameof(TaskRecorded), nameof(MapTraced)])]
    public void StopRecording()
    {
        _recorder?.Dispose();
        _recorder = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Environment.SetEnvironmentVariable(TraceRecorder.OriginVariable, null);
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public void Span()
    {
        var recorder = _recorder!;
        for (var i = 0; i < Spans; i++)
        {
            recorder.Begin("span", "bench");
            recorder.End();
        }
    }

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void TaskUnrecorded() => RunTasks();

    [Benchmark(OperationsPerInvoke = Tasks)]
    public void TaskRecorded() => RunTasks();

    [IterationSetup(Target = nameof(TaskHeard))]
    public void StartHearing() => _silent = new SilentListener(readPayload: false);

    [IterationSetup(Target = nameof(TaskRead))]
    public void StartReading() => _silent = new SilentListener(readPayload: true);

    [IterationCleanup(Targets = [nameof(TaskHeard), nameof(TaskRead)])]
    public void StopHearing() => _silent?.Dispose();

    /// <summary>The floor under TaskRecorded: the same TPL events delivered to a listener that
    /// does nothing with them, the runtime's own cost of an in-process EventListener.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void TaskHeard() => RunTasks();

    /// <summary>The next step up: each event's task id read, as the recorder reads it, and
    /// nothing written.</summary>
    [Benchmark(OperationsPerInvoke = Tasks)]
    public void TaskRead() => RunTasks();

    [Benchmark]
    public double MapUntraced() => Workloads.MapPlinq(Settings.MapCount, 2);

    [Benchmark]
    public double MapTraced() => Workloads.MapPlinq(Settings.MapCount, 2);

    // Started together and waited for together: the cost of running each, not the latency of a
    // wake-up (waiting for each in turn would measure a thread's sleep as soon as a task ran longer
    // than Wait spins for).
    private static void RunTasks()
    {
        var tasks = new Task[Tasks];
        for (var i = 0; i < Tasks; i++)
        {
            tasks[i] = Task.Run(static () => { });
        }
        Task.WaitAll(tasks);
    }

    private sealed class SilentListener(bool readPayload) : System.Diagnostics.Tracing.EventListener
    {
        private long _ids;

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "System.Threading.Tasks.TplEventSource")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Informational,
                    TraceRecorder.TaskKeywords);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (readPayload && eventData.EventName is "TaskScheduled" or "TaskStarted"
                && eventData.PayloadNames?.IndexOf("TaskID") is >= 0 and var at && eventData.Payload?[at] is int id)
            {
                Interlocked.Add(ref _ids, id);
            }
        }
    }
}

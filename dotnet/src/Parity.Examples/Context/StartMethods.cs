using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Context;

/// <summary>
/// context.start-methods: .NET has no start methods to choose from. It cannot fork, so a new
/// process is always a fresh runtime, like spawn: start the program again and tell it what to run.
/// The cheap unit of concurrency is a thread or a task inside the one process, sharing its memory.
/// The measurement compares the median cost of each: starting a child copy of this program and
/// hearing from it, starting and joining a Thread, and running a Task on the thread pool.
/// </summary>
[Concept("context.start-methods")]
public static class StartMethods
{
    public sealed record Timing(string Unit, TimeSpan Median, string Answer);

    // <start-once>
    /// <summary>Like spawn: a fresh runtime runs the entry point and answers on stdout.</summary>
    public static async Task<(string Answer, TimeSpan Elapsed)> StartProcessOnceAsync(
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var child = await SelfLauncher.RunAsync(
            "context.start-methods", [], Timeouts.Short, cancellationToken);
        return (child.Output.Trim(), clock.Elapsed);
    }

    /// <summary>A thread in this process: no new runtime, shared memory.</summary>
    public static (string Answer, TimeSpan Elapsed) StartThreadOnce()
    {
        var clock = Stopwatch.StartNew();
        string? answer = null;
        var thread = new Thread(() => answer = "hello");
        thread.Start();
        if (!thread.Join(Timeouts.Short))
        {
            throw new TimeoutException("the thread did not finish");
        }
        return (answer ?? "nothing", clock.Elapsed);
    }

    /// <summary>A task on the thread pool: usually no new thread at all.</summary>
    public static async Task<(string Answer, TimeSpan Elapsed)> RunTaskOnceAsync(
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var answer = await Task.Run(() => "hello", cancellationToken)
            .WaitAsync(Timeouts.Short, cancellationToken);
        return (answer, clock.Elapsed);
    }
    // </start-once>

    public static async Task<IReadOnlyList<Timing>> MeasureAsync(
        int processRuns, int inProcessRuns, CancellationToken cancellationToken)
    {
        var process = new List<(string Answer, TimeSpan Elapsed)>();
        for (var i = 0; i < processRuns; i++)
        {
            process.Add(await StartProcessOnceAsync(cancellationToken));
        }
        var threads = Enumerable.Range(0, inProcessRuns).Select(_ => StartThreadOnce()).ToList();
        var tasks = new List<(string Answer, TimeSpan Elapsed)>();
        for (var i = 0; i < inProcessRuns; i++)
        {
            tasks.Add(await RunTaskOnceAsync(cancellationToken));
        }
        return
        [
            Summarize("process (a fresh runtime, like spawn)", process),
            Summarize("thread", threads),
            Summarize("task (thread pool)", tasks),
        ];
    }

    private static Timing Summarize(string unit, List<(string Answer, TimeSpan Elapsed)> runs)
    {
        var median = Infrastructure.Timing.Median(runs.Select(r => r.Elapsed));
        return new Timing(unit, median, string.Join(",", runs.Select(r => r.Answer).Distinct()));
    }

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine("no fork, no start methods: every new process is a fresh runtime");
        var timings = await MeasureAsync(processRuns: 3, inProcessRuns: 9, ctx.CancellationToken);
        var thread = timings.Single(t => t.Unit == "thread").Median;
        foreach (var timing in timings)
        {
            ctx.Out.WriteLine(
                $"  {timing.Unit,-38} median {timing.Median.TotalMilliseconds,8:F3} ms  "
                + $"{timing.Median / thread,8:F2}x a thread -> {timing.Answer}");
        }
    }
    // </main>

    // <child>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        ctx.Out.WriteLine("hello");
        return Task.FromResult(0);
    }
    // </child>
}

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
    public static async Task<string> StartProcessOnceAsync(CancellationToken ct)
    {
        var child = await SelfLauncher.RunAsync("context.start-methods", [], Timeouts.Short, ct);
        return child.Output.Trim();
    }

    /// <summary>A thread in this process: no new runtime, shared memory.</summary>
    public static string StartThreadOnce()
    {
        string? answer = null;
        var thread = new Thread(() => answer = "hello");
        thread.Start();
        return thread.Join(Timeouts.Short) ? answer! : throw new TimeoutException("no answer");
    }

    /// <summary>A task on the thread pool: usually no new thread at all.</summary>
    public static Task<string> RunTaskOnceAsync(CancellationToken ct) =>
        Task.Run(() => "hello", ct).WaitAsync(Timeouts.Short, ct);
    // </start-once>

    public static async Task<IReadOnlyList<Timing>> MeasureAsync(
        int processRuns, int inProcessRuns, CancellationToken ct) =>
    [
        await TimeAsync("process (a fresh runtime, like spawn)", processRuns,
            () => StartProcessOnceAsync(ct)),
        await TimeAsync("thread", inProcessRuns, () => Task.FromResult(StartThreadOnce())),
        await TimeAsync("task (thread pool)", inProcessRuns, () => RunTaskOnceAsync(ct)),
    ];

    /// <summary>Runs `once` that many times in a row: the median time, the answers heard.</summary>
    private static async Task<Timing> TimeAsync(string unit, int runs, Func<Task<string>> once)
    {
        var (times, answers) = (new List<TimeSpan>(), new List<string>());
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            answers.Add(await once());
            times.Add(clock.Elapsed);
        }
        var median = Infrastructure.Timing.Median(times);
        return new Timing(unit, median, string.Join(",", answers.Distinct()));
    }

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine("no fork, no start methods: every new process is a fresh runtime");
        var timings = await MeasureAsync(processRuns: 3, inProcessRuns: 9, ctx.CancellationToken);
        var thread = timings.Single(t => t.Unit == "thread").Median;
        foreach (var (unit, median, answer) in timings)
        {
            ctx.Out.WriteLine($"  {unit,-38} median {median.TotalMilliseconds,8:F3} ms  "
                + $"{median / thread,8:F2}x a thread -> {answer}");
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

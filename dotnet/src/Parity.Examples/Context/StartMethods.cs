using Parity.Examples.Infrastructure;

namespace Parity.Examples.Context;

/// <summary>
/// context.start-methods: .NET cannot fork, so it has no start methods: a new process is always
/// a fresh runtime, like spawn (start the program again, tell it what to run). The cheap unit is a
/// thread or a task inside the one process, sharing its memory; below, the median cost of each.
/// </summary>
[Concept("context.start-methods")]
public static class StartMethods
{
    public sealed record Cost(string Unit, TimeSpan Median, string Answer);
    // <start-once>
    /// <summary>Like spawn: a fresh runtime runs the entry point and answers on stdout.</summary>
    public static async Task<string> StartProcessOnceAsync(CancellationToken ct) =>
        (await SelfLauncher.RunAsync("context.start-methods", [], Timeouts.Short, ct)).Output;

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
    public static async Task<IReadOnlyList<Cost>> MeasureAsync(
        int processRuns, int inProcessRuns, CancellationToken ct) =>
    [
        await TimeAsync("process (a fresh runtime, like spawn)", processRuns,
            () => StartProcessOnceAsync(ct)),
        await TimeAsync("thread", inProcessRuns, () => Task.FromResult(StartThreadOnce())),
        await TimeAsync("task (thread pool)", inProcessRuns, () => RunTaskOnceAsync(ct)),
    ];

    private static async Task<Cost> TimeAsync(string unit, int runs, Func<Task<string>> once)
    {
        var (median, answers) = await Timing.MedianAsync(runs, once);
        return new Cost(unit, median, string.Join(",", answers.Select(a => a.Trim()).Distinct()));
    }

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine("no fork, no start methods: every new process is a fresh runtime");
        var costs = await MeasureAsync(processRuns: 3, inProcessRuns: 9, ctx.CancellationToken);
        var thread = costs.Single(t => t.Unit == "thread").Median;
        foreach (var (unit, median, answer) in costs)
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

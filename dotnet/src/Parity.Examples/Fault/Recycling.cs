using System.Collections.Concurrent;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.recycling: replace a worker after N tasks so whatever it leaked goes with it. .NET has no
/// process pool, hence no maxtasksperchild: a static that only grows (the leak here) lives as long
/// as the process. Recycle the process: a child per batch (shown here), a worker restarted after N
/// jobs, or the host (IIS, Kubernetes). Unloading an AssemblyLoadContext frees statics only.
/// </summary>
[Concept("fault.recycling")]
public static class Recycling
{
    public const int Tasks = 6;
    private static readonly ConcurrentQueue<byte[]> Leak = new();

    public static (int Pid, int Held) LeakyTask()
    {
        Leak.Enqueue(new byte[1024]); // 1 kB left behind in this process for good
        return (Environment.ProcessId, Leak.Count);
    }

    // <in-process>
    public static async Task<IReadOnlyList<(int Pid, int Held)>> InProcessAsync()
    {
        Leak.Clear(); // a fresh start, so the demo and the tests can run it more than once
        var runs = new List<(int, int)>();
        for (var i = 0; i < Tasks; i++)
        {
            runs.Add(await Task.Run(LeakyTask)); // all in this process: the leak only grows
        }
        return runs;
    }
    // </in-process>

    // <batches>
    /// <summary>Each batch of tasks in a fresh child process: the leak dies with it.</summary>
    public static async Task<IReadOnlyList<(int Pid, int Held)>> ChildPerBatchAsync(
        int perChild, CancellationToken token)
    {
        var runs = new List<(int, int)>();
        for (var done = 0; done < Tasks; done += perChild)
        {
            var batch = await SelfLauncher.RunAsync(
                "fault.recycling", [$"{perChild}"], Timeouts.Short, token);
            runs.AddRange(batch.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(held => (batch.Pid, int.Parse(held, CultureInfo.InvariantCulture))));
        }
        return runs;
    }
    // </batches>

    public static async Task RunAsync(ConceptContext ctx)
    {
        Show("tasks in this process", await InProcessAsync());
        Show("a child process per 2 tasks", await ChildPerBatchAsync(2, ctx.CancellationToken));
        void Show(string label, IReadOnlyList<(int Pid, int Held)> runs) =>
            ctx.Out.WriteLine($"{label}: {runs.Select(r => r.Pid).Distinct().Count()} process(es); "
                + $"held after each task: [{string.Join(", ", runs.Select(r => r.Held))}]");
    }

    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var n = int.Parse(args[0], CultureInfo.InvariantCulture);
        ctx.Out.WriteLine(string.Join(' ', Enumerable.Range(0, n).Select(_ => LeakyTask().Held)));
        return Task.FromResult(0);
    }
}

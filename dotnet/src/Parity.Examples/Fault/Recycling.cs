using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.recycling: replace a worker after N tasks so whatever it leaked goes with it. .NET has
/// no maxtasksperchild because it has no process pool: tasks share one process, and a static
/// that only grows (the leak here) keeps growing until the process ends. What people do
/// instead: run each batch of work in a fresh child process (shown here), keep a pool of worker
/// processes and restart one after N jobs, or let the host recycle the whole process (IIS app
/// pool recycling, a Kubernetes restart). AssemblyLoadContext unloading frees code and its
/// statics, not native leaks.
/// </summary>
[Concept("fault.recycling")]
public static class Recycling
{
    public const int Tasks = 6;

    private static readonly List<byte[]> Leak = [];

    /// <summary>Leaves 1 kB behind in this process and says which process it ran in and how much
    /// is held.</summary>
    public static (int Pid, int Held) LeakyTask()
    {
        lock (Leak)
        {
            Leak.Add(new byte[1024]);
            return (Environment.ProcessId, Leak.Count);
        }
    }

    // <in-process>
    /// <summary>Tasks on the thread pool, one after another: one process, the leak only
    /// grows.</summary>
    public static async Task<IReadOnlyList<(int Pid, int Held)>> InProcessAsync()
    {
        lock (Leak)
        {
            Leak.Clear(); // a fresh start, so the demo and the tests can run it more than once
        }
        var runs = new List<(int, int)>();
        for (var i = 0; i < Tasks; i++)
        {
            runs.Add(await Task.Run(LeakyTask));
        }
        return runs;
    }
    // </in-process>

    // <batches>
    /// <summary>Each batch of <paramref name="perChild"/> tasks in a fresh child process: the leak
    /// dies with it.</summary>
    public static async Task<IReadOnlyList<(int Pid, int Held)>> ChildPerBatchAsync(
        int perChild, CancellationToken cancellationToken)
    {
        var runs = new List<(int, int)>();
        string[] args = [perChild.ToString(CultureInfo.InvariantCulture)];
        for (var done = 0; done < Tasks; done += perChild)
        {
            var batch = await SelfLauncher.RunAsync(
                "fault.recycling", args, Timeouts.Short, cancellationToken);
            foreach (var line in batch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var words = line.Trim().Split(' ');
                runs.Add((int.Parse(words[0], CultureInfo.InvariantCulture),
                    int.Parse(words[1], CultureInfo.InvariantCulture)));
            }
        }
        return runs;
    }
    // </batches>

    public static async Task RunAsync(ConceptContext ctx)
    {
        Show(ctx, "tasks in this process", await InProcessAsync());
        Show(ctx, "a child process per 2 tasks",
            await ChildPerBatchAsync(2, ctx.CancellationToken));
    }

    private static void Show(
        ConceptContext ctx, string label, IReadOnlyList<(int Pid, int Held)> runs) =>
        ctx.Out.WriteLine($"{label}: {runs.Select(r => r.Pid).Distinct().Count()} process(es); "
            + $"held after each task: [{string.Join(", ", runs.Select(r => r.Held))}]");

    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var count = int.Parse(args.FirstOrDefault() ?? "2", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var (pid, held) = LeakyTask();
            ctx.Out.WriteLine($"{pid} {held}");
        }
        return Task.FromResult(0);
    }
}

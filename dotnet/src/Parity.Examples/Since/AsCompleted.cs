using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.as-completed: .NET 9's Task.WhenEach yields each task as it completes, the task itself,
/// so the caller knows which one finished and reads its result or its exception. Before it, the
/// idiom was a loop of Task.WhenAny that removes the winner from a list each time.
/// </summary>
[Concept("since.as-completed")]
public static class AsCompleted
{
    public static async Task<string> FetchAsync(
        string name, TimeSpan delay, CancellationToken token)
    {
        await Task.Delay(delay, token).ConfigureAwait(false);
        return $"{name} after {delay.TotalSeconds:F2} s";
    }

    // <finish-order>
    /// <summary>(which task, its result) in the order they finish.</summary>
    public static async Task<List<(string Name, string Result)>> InFinishOrderAsync(
        IReadOnlyDictionary<string, Task<string>> jobs)
    {
        var names = jobs.ToDictionary(job => job.Value, job => job.Key);
        var done = new List<(string, string)>();
        await foreach (var task in Task.WhenEach(jobs.Values).ConfigureAwait(false))
        {
            done.Add((names[task], await task.ConfigureAwait(false))); // the very task we started
        }
        return done;
    }
    // </finish-order>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var delays = new Dictionary<string, double>
        {
            ["slow"] = 1.5,
            ["fast"] = 0.5,
            ["middle"] = 1.0,
        };
        var jobs = delays.ToDictionary(
            d => d.Key, d => FetchAsync(d.Key, ctx.Seconds(d.Value), ctx.CancellationToken));
        var done = await InFinishOrderAsync(jobs)
            .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
        foreach (var (name, result) in done)
        {
            ctx.Out.WriteLine($"task {name}: {result}");
        }
    }
    // </run>
}

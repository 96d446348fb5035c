using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.configure-await: where does code after an await run? An await captures
/// SynchronizationContext.Current (a UI thread's message loop, here a one-thread stand-in) and
/// posts the rest of the method back to it; ConfigureAwait(false) skips that, so the method goes
/// on on the thread pool, and stays there for its later awaits. A console app (and ASP.NET Core)
/// has no SynchronizationContext: continuations run on pool threads either way, and
/// ConfigureAwait(false) changes nothing. It also changes nothing when the awaited task has
/// already completed: no suspension, no thread switch.
/// </summary>
[Concept("task.configure-await")]
public static class ConfigureAwait
{
    /// <summary>One observation: which thread ran the code at that point, and did it have a context.</summary>
    public sealed record Observation(string Where, int ThreadId, bool IsThreadPoolThread, bool HasContext)
    {
        public static Observation Here(string where) => new(where, Environment.CurrentManagedThreadId,
            Thread.CurrentThread.IsThreadPoolThread, SynchronizationContext.Current is not null);

        public override string ToString() =>
            $"{Where,-48} thread {ThreadId,3} {(IsThreadPoolThread ? "(pool)" : "      ")} context: {(HasContext ? "yes" : "no")}";
    }

    // <resume>
    public static async Task<IReadOnlyList<Observation>> WhereContinuationsRunAsync(TimeSpan delay)
    {
        var steps = new List<Observation> { Observation.Here("start") };
        await Task.CompletedTask.ConfigureAwait(false); // already done: no suspension, no switch
        steps.Add(Observation.Here("after ConfigureAwait(false) on a completed task"));
        await Task.Delay(delay); // resumes through the captured context, if there is one
        steps.Add(Observation.Here("after await"));
        await Task.Delay(delay).ConfigureAwait(false); // on whichever thread ended the delay
        steps.Add(Observation.Here("after await ... ConfigureAwait(false)"));
        await Task.Delay(delay); // nothing left to capture: it stays on the pool
        steps.Add(Observation.Here("after a later plain await"));
        return steps;
    }
    // </resume>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var delay = ctx.Seconds(0.1);
        using (var ui = new SingleThreadSynchronizationContext("ui"))
        {
            ctx.Out.WriteLine(
                $"under a single-threaded SynchronizationContext (its thread: {ui.ThreadId}):");
            var steps = await ui.RunAsync(() => WhereContinuationsRunAsync(delay))
                .WaitAsync(Timeouts.Short, ctx.CancellationToken);
            foreach (var step in steps)
            {
                ctx.Out.WriteLine($"  {step}");
            }
        }

        ctx.Out.WriteLine("with no SynchronizationContext (a console app, ASP.NET Core):");
        // Task.Run leaves whatever context the host has (a test runner's, say) behind.
        var free = await Task.Run(() => WhereContinuationsRunAsync(delay))
            .WaitAsync(Timeouts.Short, ctx.CancellationToken);
        foreach (var step in free)
        {
            ctx.Out.WriteLine($"  {step}");
        }
    }
    // </run>
}

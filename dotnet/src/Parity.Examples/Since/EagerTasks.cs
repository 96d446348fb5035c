using Parity.Examples.Infrastructure;

namespace Parity.Examples.Since;

/// <summary>
/// since.eager-tasks: a C# async method is eager by nature. Calling it runs its body on the
/// caller's thread up to the first await of something not yet complete, and returns a Task then;
/// a method that never has to wait returns a task that is already done. Python's create_task()
/// runs nothing until the caller awaits, unless the loop's task factory is eager (3.12) or the
/// task asks for it with eager_start=True (3.14).
/// </summary>
[Concept("since.eager-tasks")]
public static class EagerTasks
{
    // <eager>
    public static async Task<string> StepAsync(List<string> log, Task reply)
    {
        log.Add("started");
        await reply.ConfigureAwait(false); // suspends only if the reply has not come yet
        log.Add("resumed");
        return "done";
    }

    /// <summary>What ran, and whether the task was finished, right after the call.</summary>
    public static async Task<(List<string> Seen, bool Finished)> CalledAsync(bool wait)
    {
        var log = new List<string>();
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = StepAsync(log, wait ? reply.Task : Task.CompletedTask);
        var seen = new List<string>(log);
        var finished = task.IsCompleted;
        reply.SetResult();
        await task.ConfigureAwait(false);
        return (seen, finished);
    }
    // </eager>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var wait in new[] { true, false })
        {
            var (seen, finished) = await CalledAsync(wait)
                .WaitAsync(Timeouts.Short, ctx.CancellationToken).ConfigureAwait(false);
            var how = wait ? "awaits" : "never awaits";
            ctx.Out.WriteLine(
                $"async method, {how}: right after the call it has run "
                + $"[{string.Join(", ", seen)}], done: {finished}");
        }
    }
    // </run>
}

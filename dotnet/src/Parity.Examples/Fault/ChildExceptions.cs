using System.Runtime.CompilerServices;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.child-exception: an exception nobody waits for. .NET is stricter than Python: uncaught on
/// a Thread or thrown out of an <c>async void</c> method, it ends the process (exit code 134 on
/// Unix, 0xE0434352 on Windows); Python prints the thread's traceback. A faulted Task nobody awaits
/// is the exception: once collected, it raises UnobservedTaskException, and the process lives.
/// </summary>
[Concept("fault.child-exception")]
public static class ChildExceptions
{
    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var mode in new[] { "entry", "thread", "unobserved", "async-void" })
        {
            var run = await SelfLauncher.RunAsync(
                "fault.child-exception", [mode], Timeouts.Short, ctx.CancellationToken);
            ctx.Out.WriteLine($"{mode}: exit code {run.ExitCode}");
            ctx.Out.WriteLine($"  last stdout line: {run.Output.Trim().Split('\n')[^1].Trim()}");
            ctx.Out.WriteLine($"  first stderr line: {run.Error.Trim().Split('\n')[0].Trim()}");
        }
    }
    // </run>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            // <entry>
            case "entry": // like a Python Process target: Parity.Cli prints one line, exits with 1
                ctx.Out.WriteLine("throwing from the child's entry point");
                throw new InvalidOperationException("bad row 3");
            // </entry>
            // <thread>
            case "thread":
                ctx.Out.WriteLine("starting a thread that throws");
                var thread = new Thread(() => throw new InvalidOperationException("bad row 3"));
                thread.Start();
                thread.Join(Timeouts.Short); // the process dies before this returns
                ctx.Out.WriteLine("still running (not reached)");
                return 0;
            // </thread>
            // <unobserved>
            case "unobserved":
                string? message = null;
                TaskScheduler.UnobservedTaskException +=
                    (_, e) => message = e.Exception.InnerExceptions[0].Message;
                FaultAndForget();
                GC.Collect(); // the event fires from the finalizer of the forgotten task,
                GC.WaitForPendingFinalizers(); // which has run when this returns
                ctx.Out.WriteLine($"UnobservedTaskException: {message}; still running");
                return 0;
            // </unobserved>
            // <async-void>
            case "async-void":
                ctx.Out.WriteLine("calling an async void method that throws after its first await");
                FireAndForget();
                await Task.Delay(Timeouts.Short, ctx.CancellationToken); // the process dies first
                ctx.Out.WriteLine("still running (not reached)");
                return 0;
            // </async-void>
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
    // <helpers>
    /// <summary>Faults a task and drops it, in a frame of its own so GC can collect it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FaultAndForget()
    {
        var task = Task.Run(() => throw new InvalidOperationException("bad row 3"));
        SpinWait.SpinUntil(() => task.IsCompleted, Timeouts.Short); // IsCompleted observes nothing
    }

    private static async void FireAndForget() // async void on purpose: the failure being shown
    {
        await Task.Yield();
        throw new InvalidOperationException("bad row 3");
    }
    // </helpers>
}

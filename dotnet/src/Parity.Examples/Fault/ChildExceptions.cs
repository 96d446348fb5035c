using System.Runtime.CompilerServices;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.child-exception: an exception where nobody is waiting for it. .NET is stricter than
/// Python: an exception nobody catches on a Thread, or thrown out of an <c>async void</c> method,
/// ends the whole process (SIGABRT on Unix: exit code 134; 0xE0434352 on Windows), where Python
/// would only report the thread's traceback. A faulted Task that nobody awaits is the exception:
/// when it is garbage collected, TaskScheduler.UnobservedTaskException fires and the process
/// carries on (since .NET 4.5). Each case runs in a child copy of the program, so the demo
/// survives its own crashes.
/// </summary>
[Concept("fault.child-exception")]
public static class ChildExceptions
{
    public static readonly string[] Modes = ["entry", "thread", "unobserved", "async-void"];

    // <run>
    /// <summary>Runs one failure in a child and returns what the parent can see: exit code and
    /// output.</summary>
    public static Task<SelfLauncher.ChildRun> RunChildAsync(
        string mode, CancellationToken cancellationToken) =>
        SelfLauncher.RunAsync("fault.child-exception", [mode], Timeouts.Short, cancellationToken);
    // </run>

    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var mode in Modes)
        {
            var run = await RunChildAsync(mode, ctx.CancellationToken);
            var said = run.Output.Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? "";
            var error =
                run.Error.Trim().Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? "";
            ctx.Out.WriteLine($"{mode}: exit code {run.ExitCode}");
            ctx.Out.WriteLine($"  last stdout line: {said}");
            ctx.Out.WriteLine($"  first stderr line: {error}");
        }
    }

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            // <entry>
            case "entry":
                // Like a Python Process target raising: the entry point's caller (Parity.Cli)
                // catches it, prints one line and exits with 1.
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
                var seen = new TaskCompletionSource<string>(
                    TaskCreationOptions.RunContinuationsAsynchronously);
                TaskScheduler.UnobservedTaskException += (_, e) =>
                {
                    e.SetObserved();
                    seen.TrySetResult(e.Exception.InnerException?.Message ?? e.Exception.Message);
                };
                FaultAndForget();
                GC.Collect(); // the event fires from the finalizer of the forgotten task
                GC.WaitForPendingFinalizers();
                var message = await seen.Task.WaitAsync(Timeouts.Short, ctx.CancellationToken);
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
    /// <summary>Starts a task that fails and drops every reference to it (in its own frame, so GC
    /// can collect it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FaultAndForget()
    {
        var task = Task.Run(() => throw new InvalidOperationException("bad row 3"));
        // IsCompleted does not observe the exception.
        SpinWait.SpinUntil(() => task.IsCompleted, Timeouts.Short);
    }

    // async void on purpose: this is the failure being shown.
    private static async void FireAndForget()
    {
        await Task.Yield();
        throw new InvalidOperationException("bad row 3");
    }
    // </helpers>
}

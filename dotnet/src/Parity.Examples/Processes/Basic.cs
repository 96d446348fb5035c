using Parity.Examples.Infrastructure;

namespace Parity.Examples.Processes;

/// <summary>
/// process.basic: start a child process with arguments; both sides report their PID and their
/// parent's PID; the parent waits for the child. .NET cannot fork or run a function in another
/// process, so the child is a second copy of this program, told which entry point to run.
/// </summary>
[Concept("process.basic")]
public static class Basic
{
    public sealed record ChildResult(int Pid, int ExitCode, string Output);

    // <parent>
    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"[parent] pid={Environment.ProcessId} ppid={ParentProcess.Id()}");
        var child = await StartChildAsync("cheerful", Timeouts.Short, ctx.CancellationToken);
        ctx.Out.Write(child.Output);
        ctx.Out.WriteLine($"[parent] child {child.Pid} exited with code {child.ExitCode}");
    }

    public static async Task<ChildResult> StartChildAsync(
        string name,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        // The equivalent of start() then join(): run the child, wait for its exit, never without
        // a limit.
        var child = await SelfLauncher.RunAsync("process.basic", [name], timeout, cancellationToken);
        return new ChildResult(child.Pid, child.ExitCode, child.Output);
    }
    // </parent>

    // <child>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var name = args.FirstOrDefault() ?? "anonymous";
        ctx.Out.WriteLine($"[child {name}] pid={Environment.ProcessId} ppid={ParentProcess.Id()}");
        return Task.FromResult(0);
    }
    // </child>
}

using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.timeout-kill: at the deadline the parent kills its child; what the child started lives on.
/// The child here starts a grandchild that inherits its stdout (the pipe to us). Process.Kill()
/// ends the child only: the grandchild keeps the pipe's write end open, so reading the child's
/// output to the end waits for the grandchild, long after the child is dead.
/// Kill(entireProcessTree: true) (.NET Core 3.0+) walks the tree and kills the grandchild too:
/// the pipe closes and the read ends at once. It can only find descendants while their parent
/// lives: once the child is dead, its orphans are nobody's tree (fault.orphans).
/// </summary>
[Concept("fault.timeout-kill")]
public static class TimeoutKill
{
    public sealed record Outcome(
        int ChildExitCode, bool GrandchildRunning, bool ReadTimedOut, string Output);

    private static async Task<(Process Child, int Grandchild)> StartAsync(
        CancellationToken cancellationToken)
    {
        var child = ProcessTools.StartChild("fault.timeout-kill", "parent");
        var ready = await ProcessTools.ReadLineAsync(child, Timeouts.Short, cancellationToken);
        var words = ready.Split(' ');
        return (child, int.Parse(words[1], CultureInfo.InvariantCulture));
    }

    // <kill-child>
    /// <summary>Kill() the child: it exits, but the output stays open while the grandchild holds
    /// it.</summary>
    public static async Task<Outcome> KillTheChildOnlyAsync(
        TimeSpan readLimit, CancellationToken cancellationToken)
    {
        var (child, grandchild) = await StartAsync(cancellationToken);
        using (child)
        {
            child.Kill(); // entireProcessTree defaults to false
            await ProcessTools.WaitExitAsync(child, Timeouts.Short);
            var rest = child.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var timedOut = false;
            try
            {
                await rest.WaitAsync(readLimit, cancellationToken);
            }
            catch (TimeoutException)
            {
                timedOut = true; // the child is dead, yet no end of file
            }
            var running = ProcessTools.IsRunning(grandchild);
            ProcessTools.KillById(grandchild); // clean up what Kill() left behind
            var output = await rest.WaitAsync(Timeouts.Short, CancellationToken.None);
            return new Outcome(child.ExitCode, running, timedOut, output);
        }
    }
    // </kill-child>

    // <kill-tree>
    /// <summary>Kill(entireProcessTree: true): the grandchild dies too, the pipe closes, the read
    /// ends.</summary>
    public static async Task<Outcome> KillTheTreeAsync(CancellationToken cancellationToken)
    {
        var (child, grandchild) = await StartAsync(cancellationToken);
        using (child)
        {
            child.Kill(entireProcessTree: true);
            await ProcessTools.WaitExitAsync(child, Timeouts.Short);
            var output = await child.StandardOutput.ReadToEndAsync(CancellationToken.None)
                .WaitAsync(Timeouts.Short, cancellationToken);
            var gone = await ProcessTools.GoneAsync(grandchild, Timeouts.Short);
            return new Outcome(child.ExitCode, !gone, false, output);
        }
    }
    // </kill-tree>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var only = await KillTheChildOnlyAsync(ctx.Seconds(1), ctx.CancellationToken);
        ctx.Out.WriteLine($"Kill(): child exit code {only.ChildExitCode}, "
            + $"grandchild running={only.GrandchildRunning}");
        ctx.Out.WriteLine(
            $"        reading its output still waiting after 1 s: {only.ReadTimedOut}");
        var tree = await KillTheTreeAsync(ctx.CancellationToken);
        ctx.Out.WriteLine($"Kill(entireProcessTree: true): child exit code {tree.ChildExitCode}, "
            + $"grandchild running={tree.GrandchildRunning}");
        ctx.Out.WriteLine($"        the read ended at once with '{tree.Output}'");
    }

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "parent":
                // The grandchild inherits our stdout and stderr (no redirection): the parent's
                // pipe.
                var info = SelfLauncher.StartInfo("fault.timeout-kill", "sleeper");
                info.RedirectStandardOutput = false;
                info.RedirectStandardError = false;
                using (var sleeper = Process.Start(info)
                    ?? throw new InvalidOperationException("the grandchild did not start"))
                {
                    ctx.Out.WriteLine($"ready {sleeper.Id}");
                    await Task.Delay(Timeouts.Short, ctx.CancellationToken);
                }
                return 0;
            case "sleeper":
                await Task.Delay(Timeouts.Short, ctx.CancellationToken);
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
}

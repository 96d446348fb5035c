using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Processes;

/// <summary>
/// process.lifecycle: the states of a child process from .NET. A Process object exists before
/// its OS process does (Start() creates it), HasExited and ExitCode tell how it ended, a wait
/// with a deadline plays join(timeout), and Kill() ends it. Kill is SIGKILL on Unix (the exit
/// code reads 128 + 9 = 137) and TerminateProcess(-1) on Windows: there is no SIGTERM-style
/// polite request, and no daemon flag: a child outlives its parent unless the parent ends it.
/// </summary>
[Concept("process.lifecycle")]
public static class Lifecycle
{
    /// <summary>The longest any child of this concept lives, whatever happens.</summary>
    public static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The exit code Kill() leaves: SIGKILL seen as 128 + 9 on Unix, -1 on Windows.</summary>
    public static int KilledExitCode => OperatingSystem.IsWindows() ? -1 : 128 + 9;

    // <join>
    /// <summary>join(timeout): true if the child exited in time; false if it still runs.</summary>
    public static async Task<bool> JoinAsync(Process child, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await child.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
    // </join>

    /// <summary>A child copy of the program that sleeps for <paramref name="seconds"/>, then exits 0.</summary>
    public static Process CreateSleeper(double seconds) =>
        new() { StartInfo = SelfLauncher.StartInfo("process.lifecycle", seconds.ToString(CultureInfo.InvariantCulture)) };

    // <lifecycle>
    public static async Task RunAsync(ConceptContext ctx)
    {
        using var child = CreateSleeper(ChildTimeout.TotalSeconds);
        try
        {
            _ = child.HasExited; // no OS process yet
        }
        catch (InvalidOperationException ex)
        {
            ctx.Out.WriteLine($"created                HasExited throws: {ex.Message}");
        }
        child.Start();
        try
        {
            ctx.Out.WriteLine($"started                pid={child.Id} HasExited={child.HasExited}");
            var exited = await JoinAsync(child, ctx.Seconds(0.5), ctx.CancellationToken);
            ctx.Out.WriteLine($"wait 0.5 s returned    exited={exited} HasExited={child.HasExited}");
        }
        finally
        {
            child.Kill(entireProcessTree: true); // the only way to end it: no SIGTERM, no daemon flag
            await JoinAsync(child, ChildTimeout, CancellationToken.None);
        }
        ctx.Out.WriteLine($"killed and waited      HasExited={child.HasExited} ExitCode={child.ExitCode}");
    }
    // </lifecycle>

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var seconds = double.Parse(args.FirstOrDefault() ?? "30", CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(seconds, ChildTimeout.TotalSeconds)), ctx.CancellationToken);
        return 0;
    }
}

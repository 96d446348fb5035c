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
    // <join>
    /// <summary>join(timeout): true if the child exited in time; false if it still runs.</summary>
    public static async Task<bool> JoinAsync(Process child, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await child.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
    // </join>

    /// <summary>A child copy of this program, not started yet, that sleeps, then exits 0.</summary>
    public static Process CreateSleeper(TimeSpan sleep) =>
        new() { StartInfo = SelfLauncher.StartInfo("process.lifecycle", sleep.ToString("c")) };

    // <lifecycle>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var log = ctx.Out;
        using var sleeper = CreateSleeper(Timeouts.Short);
        try
        {
            _ = sleeper.HasExited; // no OS process yet
        }
        catch (InvalidOperationException ex)
        {
            log.WriteLine($"created                HasExited throws: {ex.Message}");
        }
        await using var child = ChildProcess.Start(sleeper); // drains its pipes: it never blocks
        log.WriteLine($"started                pid={sleeper.Id} HasExited={sleeper.HasExited}");
        var exited = await JoinAsync(sleeper, ctx.Seconds(0.5), ctx.CancellationToken);
        log.WriteLine($"wait 0.5 s returned    exited={exited} HasExited={sleeper.HasExited}");
        await child.KillAsync(); // the only way to end it: no SIGTERM, no daemon flag
        var (exitedNow, code) = (sleeper.HasExited, sleeper.ExitCode);
        log.WriteLine($"killed and waited      HasExited={exitedNow} ExitCode={code}");
    }
    // </lifecycle>

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var sleep = TimeSpan.Parse(args[0], CultureInfo.InvariantCulture);
        await Task.Delay(sleep < Timeouts.Short ? sleep : Timeouts.Short, ctx.CancellationToken);
        return 0;
    }
}

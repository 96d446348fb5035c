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
    /// <summary>The longest any child of this concept sleeps, whatever it is told.</summary>
    public static TimeSpan LongestSleep => Timeouts.Short;

    /// <summary>The exit code Kill() leaves: SIGKILL seen as 128 + 9 on Unix, -1 on Windows.</summary>
    public static int KilledExitCode => OperatingSystem.IsWindows() ? -1 : 128 + 9;

    // <join>
    /// <summary>join(timeout): true if the child exited in time; false if it still runs.</summary>
    public static async Task<bool> JoinAsync(Process child, TimeSpan timeout, CancellationToken token)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        try
        {
            await child.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return false;
        }
    }
    // </join>

    /// <summary>A child copy of the program, not started yet, that will sleep for <paramref name="seconds"/>, then exit 0.</summary>
    public static Process CreateSleeper(double seconds) =>
        new() { StartInfo = SelfLauncher.StartInfo("process.lifecycle", seconds.ToString(CultureInfo.InvariantCulture)) };

    // <lifecycle>
    public static async Task RunAsync(ConceptContext ctx)
    {
        using var sleeper = CreateSleeper(LongestSleep.TotalSeconds);
        try
        {
            _ = sleeper.HasExited; // no OS process yet
        }
        catch (InvalidOperationException ex)
        {
            ctx.Out.WriteLine($"created                HasExited throws: {ex.Message}");
        }
        // Start() it; the wrapper drains its output pipes so it can never block writing to them.
        await using (var child = ChildProcess.Start(sleeper))
        {
            ctx.Out.WriteLine($"started                pid={sleeper.Id} HasExited={sleeper.HasExited}");
            var exited = await JoinAsync(sleeper, ctx.Seconds(0.5), ctx.CancellationToken);
            ctx.Out.WriteLine($"wait 0.5 s returned    exited={exited} HasExited={sleeper.HasExited}");
            await child.KillAsync(); // the only way to end it: no SIGTERM, no daemon flag
            var (exitedNow, code) = (sleeper.HasExited, sleeper.ExitCode);
            ctx.Out.WriteLine($"killed and waited      HasExited={exitedNow} ExitCode={code}");
        }
    }
    // </lifecycle>

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        var seconds = double.Parse(args.FirstOrDefault() ?? "30", CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(seconds, LongestSleep.TotalSeconds)), ctx.CancellationToken);
        return 0;
    }
}

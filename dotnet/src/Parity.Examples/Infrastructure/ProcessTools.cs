using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// What the fault concepts need to make a failure happen on purpose and to check that nothing
/// they started is left behind: read a child's line with a deadline, tell whether any pid (not
/// only a child's) still runs, kill by pid, and send a Unix signal, which .NET has no API for
/// (Process.Kill is always SIGKILL).
/// </summary>
public static class ProcessTools
{
    /// <summary>Starts <c>child ID ARGS</c> with stdout and stderr redirected.</summary>
    public static Process StartChild(string conceptId, params string[] args) =>
        Process.Start(SelfLauncher.StartInfo(conceptId, args))
            ?? throw new InvalidOperationException($"the child for {conceptId} did not start");

    /// <summary>The child's next stdout line; a silent child is a TimeoutException, a dead one an EndOfStreamException.</summary>
    public static async Task<string> ReadLineAsync(Process child, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await child.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new EndOfStreamException($"child {child.Id} closed its stdout");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"child {child.Id} wrote no line within {timeout.TotalSeconds:F1} s");
        }
    }

    /// <summary>Waits for the child to exit; false if it still runs at the deadline.</summary>
    public static Task<bool> WaitExitAsync(Process child, TimeSpan timeout) =>
        ExitsWithinAsync(child, timeout, CancellationToken.None);

    /// <summary>As <see cref="WaitExitAsync"/>, but cancelling <paramref name="cancellationToken"/>
    /// throws, as it does for any other wait.</summary>
    public static async Task<bool> ExitsWithinAsync(
        Process child, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The exit raced against the time limit; the loser is cancelled, not left waiting.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exited = child.WaitForExitAsync(stop.Token);
        var first = await Task.WhenAny(exited, Task.Delay(timeout, stop.Token)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == exited && exited.IsCompletedSuccessfully;
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie (dead, waiting to be reaped).</summary>
    public static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a process that is not our child to stop running.</summary>
    public static async Task<bool> GoneAsync(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (IsRunning(pid))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Kills any process by pid (SIGKILL, TerminateProcess); one already gone is fine.</summary>
    public static void KillById(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Sends a Unix signal (SIGTERM, SIGINT...) to one process: what kill(1) does.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void Signal(int pid, PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGTERM => 15,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            PosixSignal.SIGHUP => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a signal this helper sends"),
        };
        if (Kill(pid, number) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}

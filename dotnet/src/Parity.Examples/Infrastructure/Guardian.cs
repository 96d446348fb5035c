using System.Diagnostics;
using System.Globalization;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// A guardian ends what this program started (servers, workers, a temporary folder) when the
/// program ends, even when it is killed and runs no cleanup of its own: the technique of
/// fault.orphans. The guardian (<c>Parity.Cli.dll guardian</c>) reads a pipe whose only write end
/// this program holds; however the program ends, the kernel closes that end, the guardian reads
/// end of file, kills every registered process still running (the same one: its start time is
/// checked, so a reused pid is left alone) and removes every registered folder. Ctrl-C does not
/// stop it first. Python's twin: parity/common/guardian.py.
/// </summary>
public static class Guardian
{
    private static readonly Lock Gate = new();
    private static Process? _guardian;

    /// <summary>Kill <paramref name="process"/> when this program ends, if it still runs then.</summary>
    public static void Guard(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            Send($"pid {process.Id} {process.StartTime.Ticks.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (InvalidOperationException)
        {
            // It has exited already: nothing to guard.
        }
    }

    /// <summary>Remove <paramref name="path"/> when this program ends, if it is still there.</summary>
    public static void GuardFolder(string path) => Send($"dir {path}");

    private static void Send(string line)
    {
        lock (Gate)
        {
            if (_guardian is null || _guardian.HasExited)
            {
                var info = SelfLauncher.CliStartInfo("guardian");
                info.RedirectStandardInput = true;
                info.RedirectStandardOutput = false;
                info.RedirectStandardError = false;
                _guardian = Process.Start(info) ?? throw new InvalidOperationException("the guardian did not start");
            }
            _guardian.StandardInput.WriteLine(line);
            _guardian.StandardInput.Flush();
        }
    }

    /// <summary>The guardian's own loop: registrations until end of file, then the cleanup.</summary>
    public static async Task<int> RunAsync(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Console.CancelKeyPress += (_, e) => e.Cancel = true; // Ctrl-C is for the program, not for us
        var processes = new List<(int Pid, long Started)>();
        var folders = new List<string>();
        while (await input.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var parts = line.Split(' ', 2);
            if (parts is ["pid", var rest] && rest.Split(' ') is [var pid, var started])
            {
                processes.Add((int.Parse(pid, CultureInfo.InvariantCulture), long.Parse(started, CultureInfo.InvariantCulture)));
            }
            else if (parts is ["dir", var folder])
            {
                folders.Add(folder);
            }
        }
        foreach (var (pid, started) in processes)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                // Each process derives start times from its own reading of the boot time: allow for
                // the difference (a pid reused within a second of the original's start is not ours).
                if (Math.Abs(process.StartTime.Ticks - started) < TimeSpan.TicksPerSecond)
                {
                    process.Kill();
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already, or not ours.
            }
        }
        foreach (var folder in folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already, or held open (Windows): the OS cleans temp later.
            }
        }
        return 0;
    }
}

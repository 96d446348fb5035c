using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// fault.graceful-shutdown's harness: stop a server once two of its jobs have started, by a signal
/// to a child program (POSIX) or by cancelling its token in this process (what Windows runs), and
/// read back its exit code and what it printed.
/// </summary>
public static class ShutdownHarness
{
    public sealed record Outcome(int ExitCode, string Output);

    /// <summary>Starts <c>CONCEPT serve MODE</c>, sends <paramref name="signal"/> once two jobs
    /// run, waits for the exit code.</summary>
    [UnsupportedOSPlatform("windows")]
    public static async Task<Outcome> StopAServerAsync(
        string conceptId, string mode, PosixSignal signal, CancellationToken cancel)
    {
        using var server = ProcessTools.StartChild(conceptId, "serve", mode);
        var seen = new List<string>();
        try
        {
            while (seen.Count(l => l.EndsWith("started", StringComparison.Ordinal)) < 2)
            {
                seen.Add(await ProcessTools.ReadLineAsync(server, Timeouts.Short, cancel));
            }
            // What systemd, docker stop or a terminal's Ctrl-C do.
            ProcessTools.Signal(server.Id, signal);
            var rest = await server.StandardOutput.ReadToEndAsync(cancel)
                .WaitAsync(Timeouts.Short, cancel);
            await ProcessTools.WaitExitAsync(server, Timeouts.Short);
            return new Outcome(server.ExitCode, string.Join('\n', seen) + '\n' + rest);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await ProcessTools.WaitExitAsync(server, Timeouts.Short);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="serve"/> in this process with a log that cancels its token when the
    /// second job starts: the drain and the deadline, without a signal.
    /// </summary>
    public static async Task<Outcome> StopInProcessAsync(
        Func<TextWriter, CancellationToken, Task<int>> serve, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var log = new StopAfterTwoStarts(stop);
        var exitCode = await serve(log, stop.Token);
        return new Outcome(exitCode, log.ToString());
    }

    /// <summary>Records the log; cancels the token as the second job starts.</summary>
    private sealed class StopAfterTwoStarts(CancellationTokenSource stop)
        : StringWriter(CultureInfo.InvariantCulture)
    {
        private int _started;

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }
            if (value?.EndsWith("started", StringComparison.Ordinal) == true
                && Interlocked.Increment(ref _started) == 2)
            {
                stop.Cancel();
            }
        }
    }
}

using System.Runtime.InteropServices;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.graceful-shutdown: SIGTERM or Ctrl-C reaches a program with work in flight. .NET's
/// tools: PosixSignalRegistration (SIGTERM, SIGINT, SIGQUIT, SIGHUP; .NET 6+) and
/// Console.CancelKeyPress, each setting Cancel = true to keep the process alive and cancelling a
/// CancellationToken; the work stops taking new jobs when the token says so, and a second token,
/// cancelled at the deadline, cuts the jobs in flight short. The exit codes mean the same as on
/// the Python side: 0 drained, 124 cut short at the deadline. Without a registration, SIGTERM
/// ends the process at once (exit code 143, 128 + SIGTERM) and the jobs in flight are abandoned.
/// That is new in .NET 10: .NET Core 3.0 to 9 handled SIGTERM by default, raising
/// AppDomain.ProcessExit before exiting; .NET 10 leaves the signal to the operating system.
/// </summary>
[Concept("fault.graceful-shutdown")]
public static class GracefulShutdown
{
    public const int Drained = 0;
    public const int CutShort = 124;
    public const int Workers = 2;

    public sealed record Outcome(int ExitCode, string Output);

    // <serve>
    /// <summary>Runs jobs until SIGTERM or Ctrl-C, then drains within <paramref name="deadline"/>; returns the exit code.</summary>
    public static async Task<int> ServeAsync(TextWriter log, TimeSpan jobTime, TimeSpan deadline, CancellationToken hostToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(hostToken); // no new jobs
        using var abort = new CancellationTokenSource(); // cut the jobs in flight short
        void OnSignal(string name)
        {
            log.WriteLine($"got {name}: taking no new jobs");
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true; // keep the process alive: we end it ourselves
            OnSignal("SIGTERM");
        });
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            OnSignal("SIGINT");
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            int number = 0, finished = 0, cutShort = 0;
            async Task Worker()
            {
                while (!stop.IsCancellationRequested)
                {
                    log.WriteLine($"job {Interlocked.Increment(ref number)} started");
                    try
                    {
                        await Task.Delay(jobTime, abort.Token);
                        Interlocked.Increment(ref finished);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref cutShort);
                        return;
                    }
                }
            }
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(Worker, CancellationToken.None)).ToArray();
            await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            abort.CancelAfter(deadline);
            await Task.WhenAll(workers);
            log.WriteLine($"stopped: {finished} jobs finished, {cutShort} cut short");
            return cutShort > 0 ? CutShort : Drained;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }
    // </serve>

    // <stop>
    /// <summary>Starts <c>serve MODE</c>, sends <paramref name="signal"/> once two jobs run, waits for the exit code.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task<Outcome> StopAServerAsync(string mode, PosixSignal signal, CancellationToken cancellationToken)
    {
        using var server = ProcessTools.StartChild("fault.graceful-shutdown", "serve", mode);
        var seen = new List<string>();
        try
        {
            while (seen.Count(l => l.EndsWith("started", StringComparison.Ordinal)) < 2)
            {
                seen.Add(await ProcessTools.ReadLineAsync(server, Timeouts.Short, cancellationToken));
            }
            ProcessTools.Signal(server.Id, signal); // what systemd, docker stop or a terminal's Ctrl-C do
            var rest = await server.StandardOutput.ReadToEndAsync(cancellationToken).WaitAsync(Timeouts.Short, cancellationToken);
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
    // </stop>

    /// <summary>
    /// ServeAsync in this process, stopped through the token its signal handlers cancel, once two
    /// jobs have started: the drain and the deadline without a signal (what Windows runs).
    /// </summary>
    public static async Task<Outcome> StopInProcessAsync(string mode, ConceptContext ctx)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
        using var log = new StopAfterTwoStarts(stop);
        var exitCode = mode == "drain"
            ? await ServeAsync(log, ctx.Seconds(1), Timeouts.Short, stop.Token)
            : await ServeAsync(log, Timeouts.Short, ctx.Seconds(2), stop.Token);
        return new Outcome(exitCode, log.ToString());
    }

    /// <summary>Records the log and cancels <paramref name="stop"/> when the second job starts.</summary>
    private sealed class StopAfterTwoStarts(CancellationTokenSource stop) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        private int _started;

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }
            if (value?.EndsWith("started", StringComparison.Ordinal) == true && Interlocked.Increment(ref _started) == 2)
            {
                stop.Cancel();
            }
        }
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        if (OperatingSystem.IsWindows())
        {
            // A console program cannot send Ctrl-C or SIGTERM to another one unless they share a
            // console; here the token the handlers would cancel is cancelled instead.
            foreach (var mode in new[] { "drain", "stuck" })
            {
                var inProcess = await StopInProcessAsync(mode, ctx);
                ctx.Out.WriteLine($"{mode}, stopped by its token (no signal on Windows): exit code {inProcess.ExitCode}");
                ctx.Out.WriteLine($"  {inProcess.Output.Trim().Split('\n')[^1].Trim()}");
            }
            return;
        }
        foreach (var (mode, signal) in new[] { ("drain", PosixSignal.SIGTERM), ("stuck", PosixSignal.SIGINT), ("default", PosixSignal.SIGTERM) })
        {
            var outcome = await StopAServerAsync(mode, signal, ctx.CancellationToken);
            ctx.Out.WriteLine($"{mode}, {signal}: exit code {outcome.ExitCode}");
            foreach (var line in outcome.Output.Trim().Split('\n').TakeLast(3))
            {
                ctx.Out.WriteLine($"  {line.Trim()}");
            }
        }
    }

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args)
        {
            case ["serve", "drain"]: // the jobs finish well inside the deadline
                return await ServeAsync(ctx.Out, ctx.Seconds(1), Timeouts.Short, ctx.CancellationToken);
            case ["serve", "stuck"]: // the jobs never would
                return await ServeAsync(ctx.Out, Timeouts.Short, ctx.Seconds(2), ctx.CancellationToken);
            case ["serve", "default"]:
                // <default>
                // .NET 3.0 to 9 raised ProcessExit on SIGTERM; .NET 10 installs no SIGTERM handler, so the
                // operating system's default ends the process at once and this line never prints.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => ctx.Out.WriteLine("ProcessExit ran");
                ctx.Out.WriteLine("job 1 started");
                ctx.Out.WriteLine("job 2 started");
                await Task.Delay(Timeouts.Short, CancellationToken.None);
                // </default>
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
}

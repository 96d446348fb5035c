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

    // <serve>
    /// <summary>Runs jobs until SIGTERM or Ctrl-C, then drains within <paramref name="deadline"/>;
    /// returns the exit code.</summary>
    public static async Task<int> ServeAsync(
        TextWriter log, TimeSpan jobTime, TimeSpan deadline, CancellationToken hostToken)
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
            var workers = Enumerable.Range(0, Workers)
                .Select(_ => Task.Run(Worker, CancellationToken.None)).ToArray();
            await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token)
                .ContinueWith(_ => { }, TaskScheduler.Default); // until a signal
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

    /// <summary>Drain's jobs finish well inside the deadline; stuck's never would.</summary>
    public static Task<int> ServeAsync(
        string mode, ConceptContext ctx, TextWriter log, CancellationToken token) =>
        mode == "drain"
            ? ServeAsync(log, ctx.Seconds(1), Timeouts.Short, token)
            : ServeAsync(log, Timeouts.Short, ctx.Seconds(2), token);

    public static async Task RunAsync(ConceptContext ctx)
    {
        if (OperatingSystem.IsWindows())
        {
            // A console program cannot send Ctrl-C or SIGTERM to another one unless they share a
            // console; here the token the handlers would cancel is cancelled instead.
            foreach (var mode in new[] { "drain", "stuck" })
            {
                var inProcess = await ShutdownHarness.StopInProcessAsync(
                    (log, token) => ServeAsync(mode, ctx, log, token), ctx.CancellationToken);
                var how = "stopped by its token (no signal on Windows)";
                ctx.Out.WriteLine($"{mode}, {how}: exit code {inProcess.ExitCode}");
                ctx.Out.WriteLine($"  {inProcess.Output.Trim().Split('\n')[^1].Trim()}");
            }
            return;
        }
        var stops = new[]
        {
            ("drain", PosixSignal.SIGTERM),
            ("stuck", PosixSignal.SIGINT),
            ("default", PosixSignal.SIGTERM),
        };
        foreach (var (mode, signal) in stops)
        {
            var outcome = await ShutdownHarness.StopAServerAsync(
                "fault.graceful-shutdown", mode, signal, ctx.CancellationToken);
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
            case ["serve", "drain" or "stuck"]:
                return await ServeAsync(args[1], ctx, ctx.Out, ctx.CancellationToken);
            case ["serve", "default"]:
                // <default>
                // .NET 3.0 to 9 raised ProcessExit on SIGTERM; .NET 10 installs no SIGTERM handler,
                // so the operating system's default ends the process at once: this never prints.
                AppDomain.CurrentDomain.ProcessExit +=
                    (_, _) => ctx.Out.WriteLine("ProcessExit ran");
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

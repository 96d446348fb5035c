using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.worker-killed: a worker dies mid-task. .NET has no process pool, so the worker that can
/// be killed is a child process, and its death is an exit code the parent awaits (137 on Unix:
/// 128 + SIGKILL; -1 on Windows). Nothing is lost silently and nothing is re-run for you either:
/// the parent decides, here by running the task again in a fresh child. Inside one process a
/// thread cannot be killed at all: Thread.Abort throws PlatformNotSupportedException on .NET
/// Core and later, so work stops only where it checks a CancellationToken.
/// </summary>
[Concept("fault.worker-killed")]
public static class WorkerKilled
{
    public sealed record Attempt(int Number, int Pid, int ExitCode, string Result);

    // <supervise>
    /// <summary>Runs the task in a child; the first attempt is killed mid-task, the next one
    /// finishes.</summary>
    public static async Task<IReadOnlyList<Attempt>> SuperviseAsync(
        CancellationToken cancellationToken)
    {
        var attempts = new List<Attempt>();
        for (var number = 1; attempts.Count == 0 || attempts[^1].ExitCode != 0; number++)
        {
            using var worker =
                ProcessTools.StartChild("fault.worker-killed", number == 1 ? "hang" : "finish");
            var line = await ProcessTools.ReadLineAsync(worker, Timeouts.Short, cancellationToken);
            if (line == "working")
            {
                worker.Kill(); // SIGKILL / TerminateProcess: the worker gets no say
                line = "";
            }
            if (!await ProcessTools.WaitExitAsync(worker, Timeouts.Short))
            {
                worker.Kill(entireProcessTree: true);
                throw new TimeoutException($"worker {worker.Id} did not exit");
            }
            attempts.Add(new Attempt(number, worker.Id, worker.ExitCode, line));
        }
        return attempts;
    }
    // </supervise>

    // <abort>
    /// <summary>Thread.Abort is gone: what it throws on .NET Core and later.</summary>
    public static Exception TryAbortAThread()
    {
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() => release.Wait(Timeouts.Short));
        thread.Start();
        try
        {
#pragma warning disable SYSLIB0006 // Thread.Abort is obsolete: showing that it throws is the point
            thread.Abort();
#pragma warning restore SYSLIB0006
            return new InvalidOperationException("Thread.Abort returned");
        }
        catch (PlatformNotSupportedException ex)
        {
            return ex;
        }
        finally
        {
            release.Set();
            thread.Join(Timeouts.Short);
        }
    }

    /// <summary>The in-process way: the work checks a token; cancelling it ends the work at its
    /// next check.</summary>
    public static async Task<TaskStatus> CancelCooperativelyAsync()
    {
        using var cts = new CancellationTokenSource();
        using var running = new SemaphoreSlim(0);
        var work = Task.Run(async () =>
        {
            running.Release();
            while (true)
            {
                cts.Token.ThrowIfCancellationRequested();
                await Task.Delay(10, CancellationToken.None);
            }
        }, cts.Token);
        await running.WaitAsync(Timeouts.Short);
        await cts.CancelAsync();
        try
        {
            await work.WaitAsync(Timeouts.Short);
        }
        catch (OperationCanceledException)
        {
        }
        return work.Status;
    }
    // </abort>

    // <main>
    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var a in await SuperviseAsync(ctx.CancellationToken))
        {
            var outcome = a.ExitCode == 0 ? $"result {a.Result}" : "killed mid-task";
            ctx.Out.WriteLine($"attempt {a.Number}: worker exit code {a.ExitCode}: {outcome}");
        }
        var abort = TryAbortAThread();
        ctx.Out.WriteLine($"Thread.Abort: {abort.GetType().Name}: {abort.Message}");
        var status = await CancelCooperativelyAsync();
        ctx.Out.WriteLine($"cooperative cancellation: the task ended {status}");
    }
    // </main>

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "hang":
                ctx.Out.WriteLine("working");
                await Task.Delay(Timeouts.Short, ctx.CancellationToken);
                return 0;
            case "finish":
                ctx.Out.WriteLine((6 * 7).ToString(CultureInfo.InvariantCulture));
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.orphans: the parent is killed; its children are not. A .NET child process is never tied
/// to its parent: there is no daemon flag, and Kill(entireProcessTree: true) only helps a parent
/// that is alive to call it. The fixes: the child watches a pipe only the parent writes (portable);
/// prctl(PR_SET_PDEATHSIG) in the child (Linux); a kill-on-close Job object (Windows).
/// The demo starts a middle program that starts the child, kills the middle program, and looks.
/// </summary>
[Concept("fault.orphans")]
public static class Orphans
{
    public sealed record Outcome(string Mode, int Child, bool Survived);

    /// <summary>Plain and watch everywhere, pdeathsig on Linux, job on Windows.</summary>
    public static IReadOnlyList<string> Modes =>
        OperatingSystem.IsLinux() ? ["plain", "watch", "pdeathsig"]
        : OperatingSystem.IsWindows() ? ["plain", "watch", "job"]
        : ["plain", "watch"];

    // <kill-parent>
    /// <summary>Starts the middle program, kills it (not its tree): its child lives on?</summary>
    public static async Task<Outcome> KillTheParentAsync(string mode, CancellationToken cancel)
    {
        int child;
        using (var middle = ProcessTools.StartChild("fault.orphans", "middle", mode))
        {
            try
            {
                var line = await ProcessTools.ReadLineAsync(middle, Timeouts.Short, cancel);
                child = int.Parse(line, CultureInfo.InvariantCulture);
            }
            finally
            {
                // SIGKILL / TerminateProcess: no finally blocks, no ProcessExit in the middle.
                middle.Kill();
                await ProcessTools.WaitExitAsync(middle, Timeouts.Short);
            }
        }
        var survived = mode == "plain"
            ? ProcessTools.IsRunning(child)
            : !await ProcessTools.GoneAsync(child, Timeouts.Short);
        ProcessTools.KillById(child); // an orphan is nobody's to clean up but ours
        await ProcessTools.GoneAsync(child, Timeouts.Short);
        return new Outcome(mode, child, survived);
    }
    // </kill-parent>

    public static async Task RunAsync(ConceptContext ctx)
    {
        foreach (var mode in Modes)
        {
            var outcome = await KillTheParentAsync(mode, ctx.CancellationToken);
            ctx.Out.WriteLine(outcome.Survived
                ? $"{mode}: parent killed; child {outcome.Child} still running"
                : $"{mode}: parent killed; child {outcome.Child} exited too");
        }
    }

    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        switch (args)
        {
            case ["middle", var mode]:
                // Started before any await: on the main thread, which lives as long as the program
                // (PR_SET_PDEATHSIG fires when the parent *thread* that started the child exits).
                var info = SelfLauncher.StartInfo("fault.orphans", "leaf", mode);
                info.RedirectStandardInput = mode == "watch"; // we hold the only write end
                var started = Process.Start(info);
                using (var leaf = started ?? throw new InvalidOperationException("no leaf"))
                {
                    // <job>
                    // Windows: in a kill-on-close Job whose only handle is ours. When this program
                    // dies, however it dies, the handle closes and Windows kills the job's members.
                    if (mode == "job" && OperatingSystem.IsWindows())
                    {
                        JobObject.KillOnClose(leaf);
                    }
                    // </job>
                    await ProcessTools.ReadLineAsync(leaf, Timeouts.Short, ctx.CancellationToken);
                    ctx.Out.WriteLine(leaf.Id);
                    await Task.Delay(Timeouts.Short, ctx.CancellationToken);
                }
                return 0;
            case ["leaf", var mode]:
                if (mode == "watch")
                {
                    WatchParent();
                }
                else if (mode == "pdeathsig" && OperatingSystem.IsLinux())
                {
                    DieWithParent();
                }
                ctx.Out.WriteLine("ready");
                // Stands for real work: bounded, and far longer than the demo waits for it to die,
                // so that dying of old age cannot pass for dying with the parent.
                await Task.Delay(3 * Timeouts.Short, ctx.CancellationToken);
                return 0;
            default:
                throw new ArgumentException($"unknown child mode '{string.Join(' ', args)}'");
        }
    }

    // <watch>
    /// <summary>The portable fix, child side: end of file on stdin, the parent is gone.</summary>
    private static void WatchParent()
    {
        var stdin = Console.OpenStandardInput();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[64];
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }
            Environment.Exit(1); // the parent that would have collected our work is gone
        });
    }
    // </watch>

    // <pdeathsig>
    private const int PrSetPdeathsig = 1;
    private const int SigKill = 9;

    /// <summary>The Linux fix, child side: SIGKILL from the kernel as the parent exits.</summary>
    [SupportedOSPlatform("linux")]
    private static void DieWithParent()
    {
        var parent = ParentProcess.Id();
        if (Prctl(PrSetPdeathsig, SigKill, 0, 0, 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"prctl(PR_SET_PDEATHSIG) failed: errno {errno}");
        }
        if (ParentProcess.Id() != parent)
        {
            Environment.Exit(1); // the parent died before the prctl: nobody will send the signal
        }
    }

    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    // </pdeathsig>
}

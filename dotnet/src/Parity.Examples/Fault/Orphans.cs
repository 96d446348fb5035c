using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Fault;

/// <summary>
/// fault.orphans: the parent is killed; its children are not. A .NET child process is never tied
/// to its parent: there is no daemon flag, and Kill(entireProcessTree: true) only helps a parent
/// that is alive to call it. The same fixes as in Python:
/// <list type="bullet">
/// <item>portable: the child watches a pipe only the parent can write to (here its stdin) and
/// exits at end of file, which the kernel delivers when the parent dies, however it dies;</item>
/// <item>Linux: prctl(PR_SET_PDEATHSIG, SIGKILL) in the child. The signal comes when the parent
/// <em>thread</em> that started the child exits: start such children from a thread that lives
/// as long as the process (here the main thread), not from a thread-pool thread;</item>
/// <item>Windows: a Job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE; when the parent dies its
/// handle closes and Windows kills every process in the job.</item>
/// </list>
/// The demo starts a middle program that starts the child, kills the middle program, and looks.
/// </summary>
[Concept("fault.orphans")]
public static class Orphans
{
    public sealed record Outcome(string Mode, int Child, bool Survived);

    /// <summary>The modes this platform has: plain and watch everywhere, pdeathsig on Linux, job on Windows.</summary>
    public static IReadOnlyList<string> Modes =>
        OperatingSystem.IsLinux() ? ["plain", "watch", "pdeathsig"]
        : OperatingSystem.IsWindows() ? ["plain", "watch", "job"]
        : ["plain", "watch"];

    // <kill-parent>
    /// <summary>Starts the middle program, kills it (not its tree), and sees whether its child outlived it.</summary>
    public static async Task<Outcome> KillTheParentAsync(string mode, CancellationToken cancellationToken)
    {
        int child;
        using (var middle = ProcessTools.StartChild("fault.orphans", "middle", mode))
        {
            try
            {
                child = int.Parse(await ProcessTools.ReadLineAsync(middle, Timeouts.Short, cancellationToken), CultureInfo.InvariantCulture);
            }
            finally
            {
                middle.Kill(); // SIGKILL / TerminateProcess: no finally blocks, no ProcessExit in the middle program
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
                // Started before any await: on the main thread, which lives as long as this program.
                var info = SelfLauncher.StartInfo("fault.orphans", "leaf", mode);
                info.RedirectStandardInput = mode == "watch"; // we hold the only write end
                using (var leaf = Process.Start(info) ?? throw new InvalidOperationException("the child did not start"))
                {
                    if (mode == "job" && OperatingSystem.IsWindows())
                    {
                        JobObject.KillOnClose(leaf);
                    }
                    await ProcessTools.ReadLineAsync(leaf, Timeouts.Short, ctx.CancellationToken); // "ready"
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
    /// <summary>Child side of the portable fix: end of file on stdin means the parent is gone.</summary>
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

    /// <summary>Child side of the Linux fix: ask the kernel for SIGKILL when the parent exits.</summary>
    [SupportedOSPlatform("linux")]
    private static void DieWithParent()
    {
        var parent = ParentProcess.Id();
        if (Prctl(PrSetPdeathsig, SigKill, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException($"prctl(PR_SET_PDEATHSIG) failed: errno {Marshal.GetLastPInvokeError()}");
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

    // <job>
    /// <summary>The Windows fix: a Job object that kills its processes when its last handle closes.</summary>
    [SupportedOSPlatform("windows")]
    private static class JobObject
    {
        private const int ExtendedLimitInformation = 9;
        private const uint KillOnJobClose = 0x2000;

        // Never closed: the handle must live exactly as long as this process does.
        private static nint _job;

        public static void KillOnClose(Process child)
        {
            if (_job == 0)
            {
                _job = CreateJobObjectW(0, null);
                var limits = new ExtendedLimits { BasicLimitInformation = new BasicLimits { LimitFlags = KillOnJobClose } };
                if (_job == 0 || !SetInformationJobObject(_job, ExtendedLimitInformation, ref limits, Marshal.SizeOf<ExtendedLimits>()))
                {
                    throw new InvalidOperationException($"creating the job object failed: error {Marshal.GetLastPInvokeError()}");
                }
            }
            if (!AssignProcessToJobObject(_job, child.Handle))
            {
                throw new InvalidOperationException($"AssignProcessToJobObject failed: error {Marshal.GetLastPInvokeError()}");
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct BasicLimits
        {
            public long PerProcessUserTimeLimit;
            public long PerJobUserTimeLimit;
            public uint LimitFlags;
            public nuint MinimumWorkingSetSize;
            public nuint MaximumWorkingSetSize;
            public uint ActiveProcessLimit;
            public nuint Affinity;
            public uint PriorityClass;
            public uint SchedulingClass;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct ExtendedLimits
        {
            public BasicLimits BasicLimitInformation;
            public ulong ReadOperationCount, WriteOperationCount, OtherOperationCount;
            public ulong ReadTransferCount, WriteTransferCount, OtherTransferCount;
            public nuint ProcessMemoryLimit;
            public nuint JobMemoryLimit;
            public nuint PeakProcessMemoryUsed;
            public nuint PeakJobMemoryUsed;
        }

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        private static extern nint CreateJobObjectW(nint attributes, string? name);

        [DllImport("kernel32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool SetInformationJobObject(nint job, int infoClass, ref ExtendedLimits info, int size);

        [DllImport("kernel32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool AssignProcessToJobObject(nint job, nint process);
    }
    // </job>
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Windows' answer to orphans (fault.orphans): a Job object with
/// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE. This process holds the only handle, never closed; when the
/// process dies, however it dies, the handle closes and Windows kills every process in the job.
/// </summary>
[SupportedOSPlatform("windows")]
public static class JobObject
{
    // Never closed: the handle must live exactly as long as this process does.
    private static nint _job;

    /// <summary>Puts the child in this process's kill-on-close job, made on first use.</summary>
    public static void KillOnClose(Process child)
    {
        if (_job == 0)
        {
            _job = CreateJobObjectW(0, null);
            var limits = new ExtendedLimits
            {
                BasicLimitInformation = new BasicLimits { LimitFlags = KillOnJobClose },
            };
            var size = Marshal.SizeOf<ExtendedLimits>();
            if (_job == 0
                || !SetInformationJobObject(_job, ExtendedLimitInformation, ref limits, size))
            {
                throw new InvalidOperationException(
                    $"creating the job object failed: error {Marshal.GetLastPInvokeError()}");
            }
        }
        if (!AssignProcessToJobObject(_job, child.Handle))
        {
            throw new InvalidOperationException(
                $"AssignProcessToJobObject failed: error {Marshal.GetLastPInvokeError()}");
        }
    }

    // From winnt.h: JobObjectExtendedLimitInformation and JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE.
    private const int ExtendedLimitInformation = 9;
    private const uint KillOnJobClose = 0x2000;

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
    private static extern bool SetInformationJobObject(
        nint job, int infoClass, ref ExtendedLimits info, int size);

    [DllImport("kernel32.dll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool AssignProcessToJobObject(nint job, nint process);
}

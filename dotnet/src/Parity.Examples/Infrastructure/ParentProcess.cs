using System.Globalization;
using System.Runtime.InteropServices;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// The parent's process id, which Python gives as os.getppid() and .NET has no API for.
/// This process: getppid() from libc on every Unix (Linux, macOS), NtQueryInformationProcess on
/// Windows. Another process: /proc/PID/stat on Linux, its handle on Windows, unknown elsewhere.
/// </summary>
public static partial class ParentProcess
{
    public static int? Id()
    {
        if (OperatingSystem.IsWindows())
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return FromHandle(self.Handle);
        }
        // One path for every Unix, so the Linux run tests what macOS runs.
        return GetParentPid();
    }

    /// <summary>
    /// The parent's id of another process; null when it is gone, not ours to ask (Windows denies
    /// access to other users' processes), or the platform has no way here (macOS).
    /// </summary>
    public static int? Of(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return FromProcStat(File.ReadAllText($"/proc/{pid}/stat"));
            }
            if (OperatingSystem.IsWindows())
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return Of(process);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException
            or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended while we looked, or it is not ours to look at.
        }
        return null;
    }

    /// <summary>The parent's id of a process we hold (Windows: asks through its handle); null as for <see cref="Of(int)"/>.</summary>
    public static int? Of(System.Diagnostics.Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!OperatingSystem.IsWindows())
        {
            return Of(process.Id);
        }
        try
        {
            return FromHandle(process.Handle);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null; // gone, or not ours to open
        }
    }

    private static int FromProcStat(string stat)
    {
        // Field 2 (the command name) is in parentheses and may hold spaces: split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    private static int? FromHandle(nint handle)
    {
        var info = default(ProcessBasicInformation);
        var status = NtQueryInformationProcess(handle, 0, ref info, Marshal.SizeOf(info), out _);
        return status == 0 ? (int)info.InheritedFromUniqueProcessId : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessBasicInformation
    {
        public nint ExitStatus;
        public nint PebBaseAddress;
        public nint AffinityMask;
        public nint BasePriority;
        public nint UniqueProcessId;
        public nint InheritedFromUniqueProcessId;
    }

    [DllImport("libc", EntryPoint = "getppid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetParentPid();

    [DllImport("ntdll.dll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern int NtQueryInformationProcess(nint process, int infoClass, ref ProcessBasicInformation info, int size, out int returned);
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// The parent's process id, which Python gives as os.getppid() and .NET has no API for.
/// Linux reads /proc/self/stat; Windows asks NtQueryInformationProcess; elsewhere we say we don't know.
/// </summary>
public static partial class ParentProcess
{
    public static int? Id()
    {
        if (OperatingSystem.IsLinux())
        {
            // Field 2 (the command name) is in parentheses and may hold spaces: split after the last ')'.
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        if (OperatingSystem.IsWindows())
        {
            var info = default(ProcessBasicInformation);
            var status = NtQueryInformationProcess(System.Diagnostics.Process.GetCurrentProcess().Handle, 0, ref info, Marshal.SizeOf(info), out _);
            return status == 0 ? (int)info.InheritedFromUniqueProcessId : null;
        }
        return null;
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

    [DllImport("ntdll.dll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern int NtQueryInformationProcess(nint process, int infoClass, ref ProcessBasicInformation info, int size, out int returned);
}

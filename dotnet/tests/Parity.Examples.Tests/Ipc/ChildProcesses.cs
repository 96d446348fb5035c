using System.Diagnostics;

namespace Parity.Examples.Tests.Ipc;

/// <summary>No child outlives its concept: a child's PID must be gone once the concept returns.</summary>
internal static class ChildProcesses
{
    public static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process any more
        }
    }
}

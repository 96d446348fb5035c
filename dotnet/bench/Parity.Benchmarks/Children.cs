using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Benchmarks;

/// <summary>Starting a child program and waiting for it, with a timeout: one helper for every benchmark that does.</summary>
public static class Children
{
    public static readonly TimeSpan Timeout = Timeouts.Long;

    public static ProcessStartInfo Info(params string[] arguments)
    {
        var info = new ProcessStartInfo(Settings.DotnetPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    /// <summary>Start, drain stdout, wait: the whole program's time.</summary>
    public static void RunToEnd(params string[] arguments)
    {
        using var child = Process.Start(Info(arguments)) ?? throw new InvalidOperationException("no process");
        child.StandardInput.Close();
        _ = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(Timeout))
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish within {Timeout}");
        }
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {child.ExitCode}");
        }
    }

    /// <summary>Close the child's stdin (its signal to stop) and wait; kill it if it does not.</summary>
    public static void Stop(Process? child)
    {
        if (child is null)
        {
            return;
        }
        child.StandardInput.Close();
        if (!child.WaitForExit(Timeout))
        {
            child.Kill(entireProcessTree: true);
        }
        child.Dispose();
    }
}

using System.Diagnostics;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Builds the command line that starts a child copy of this program: <c>dotnet Parity.Cli.dll child ID ...</c>.
/// .NET cannot fork, so "run this function in a child" means starting the program again and
/// telling it which entry point to run. Works from the CLI, from tests and from the Python
/// bridge, because Parity.Cli.dll always sits beside Parity.Examples.dll.
/// </summary>
public static class SelfLauncher
{
    /// <summary>What a finished child copy of the program left behind.</summary>
    public sealed record ChildRun(int Pid, int ExitCode, string Output, string Error);

    /// <summary>
    /// Starts <c>child ID ARGS</c>, reads stdout and stderr together (draining one while the child
    /// blocks on the other would deadlock), waits at most <paramref name="timeout"/>, and on a
    /// timeout or cancellation kills the child's whole tree and reaps it before rethrowing.
    /// </summary>
    public static async Task<ChildRun> RunAsync(string conceptId, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(conceptId, [.. args]))
            ?? throw new InvalidOperationException($"the child for {conceptId} did not start");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelling the wait does not stop the child: kill it, then reap it.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new TimeoutException($"the child for {conceptId} (pid {process.Id}) did not exit within {timeout.TotalSeconds:F1} s and was killed");
        }
        return new ChildRun(process.Id, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    public static ProcessStartInfo StartInfo(string conceptId, params string[] args)
    {
        var cliDll = Path.Combine(Path.GetDirectoryName(typeof(SelfLauncher).Assembly.Location)!, "Parity.Cli.dll");
        if (!File.Exists(cliDll))
        {
            throw new FileNotFoundException("Parity.Cli.dll is not beside Parity.Examples.dll; build the solution first.", cliDll);
        }
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(cliDll);
        info.ArgumentList.Add("child");
        info.ArgumentList.Add(conceptId);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>The dotnet host: this process if it is one, else the SDK's hint, else PATH.</summary>
    public static string DotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self).Equals(exe, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hint && File.Exists(hint))
        {
            return hint;
        }
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Prepend(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? string.Empty)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, exe));
        return candidates.FirstOrDefault(File.Exists) ?? exe;
    }
}

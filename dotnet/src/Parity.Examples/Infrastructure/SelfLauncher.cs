using System.Diagnostics;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Starts a child copy of this program: <c>dotnet Parity.Cli.dll child ID ...</c>.
/// .NET cannot fork, so "run this function in a child" means starting the program again and
/// telling it which entry point to run. Works from the CLI, from tests and from the Python
/// bridge, because Parity.Cli.dll always sits beside Parity.Examples.dll.
/// Every concept starts its children here (<see cref="RunAsync"/> or <see cref="ChildProcess"/>),
/// so every child has both pipes drained and a limit on every wait, and none outlives its concept.
/// </summary>
public static class SelfLauncher
{
    /// <summary>What a finished child copy of the program left behind.</summary>
    public sealed record ChildRun(int Pid, int ExitCode, string Output, string Error);

    /// <summary>
    /// Runs <c>child ID ARGS</c> to its end: waits at most <paramref name="timeout"/>, and on a
    /// timeout or cancellation kills the child's whole tree and reaps it before throwing
    /// (TimeoutException, or the caller's OperationCanceledException).
    /// </summary>
    public static async Task<ChildRun> RunAsync(string conceptId, IEnumerable<string> args, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var child = ChildProcess.Start(conceptId, args, environment);
        return await child.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>dotnet Parity.Cli.dll child ID ARGS</c>: one entry point of a concept.</summary>
    public static ProcessStartInfo StartInfo(string conceptId, params string[] args) =>
        CliStartInfo(["child", conceptId, .. args]);

    /// <summary><c>dotnet Parity.Cli.dll ARGS</c>, both pipes redirected: the one way every
    /// concept, test and tool starts a copy of the CLI.</summary>
    public static ProcessStartInfo CliStartInfo(params string[] args)
    {
        var folder = Path.GetDirectoryName(typeof(SelfLauncher).Assembly.Location)!;
        var cliDll = Path.Combine(folder, "Parity.Cli.dll");
        if (!File.Exists(cliDll))
        {
            throw new FileNotFoundException(
                "Parity.Cli.dll is not beside Parity.Examples.dll; build the solution first.", cliDll);
        }
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(cliDll);
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

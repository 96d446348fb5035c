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

/// <summary>
/// A running child copy of this program. Both pipes are drained from the start (draining one
/// while the child blocks writing the other would deadlock), waiting for it always has a limit,
/// and disposing it kills a child that is still running, with its own children, and reaps it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private ChildProcess(Process process)
    {
        Process = process;
        _output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _error = process.StandardError.ReadToEndAsync(CancellationToken.None);
    }

    /// <summary>Starts <c>child ID ARGS</c>, with extra environment variables if given.</summary>
    public static ChildProcess Start(string conceptId, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = SelfLauncher.StartInfo(conceptId, [.. args]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return Start(new Process { StartInfo = info });
    }

    /// <summary>Starts a Process built from <see cref="SelfLauncher.StartInfo"/> but not started yet, and drains it.</summary>
    public static ChildProcess Start(Process unstarted)
    {
        ArgumentNullException.ThrowIfNull(unstarted);
        if (!unstarted.StartInfo.RedirectStandardOutput || !unstarted.StartInfo.RedirectStandardError)
        {
            throw new ArgumentException("build the process from SelfLauncher.StartInfo: both pipes redirected", nameof(unstarted));
        }
        unstarted.Start();
        return new ChildProcess(unstarted);
    }

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>
    /// Waits for the child to exit and returns what it wrote. On a timeout or cancellation it kills
    /// the child's tree and reaps it, then throws TimeoutException (or the caller's cancellation).
    /// </summary>
    public async Task<SelfLauncher.ChildRun> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await Process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelling the wait does not stop the child: kill it, then reap it.
            await KillAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var concept = Process.StartInfo.ArgumentList.ElementAtOrDefault(2) ?? Process.StartInfo.FileName;
            throw new TimeoutException($"the child for {concept} (pid {Process.Id}) did not exit within {timeout.TotalSeconds:F1} s and was killed");
        }
        // Both pipes close at exit: their reads end too (bounded all the same).
        var output = await _output.WaitAsync(Timeouts.Short, CancellationToken.None).ConfigureAwait(false);
        var error = await _error.WaitAsync(Timeouts.Short, CancellationToken.None).ConfigureAwait(false);
        return new SelfLauncher.ChildRun(Process.Id, Process.ExitCode, output, error);
    }

    /// <summary>Kills the child and everything it started, and waits (at most Timeouts.Short) until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between our look and the kill.
        }
        await Process.WaitForExitAsync(CancellationToken.None).WaitAsync(Timeouts.Short, CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                await KillAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Process.Dispose();
        }
    }
}

using System.Diagnostics;

namespace Parity.Examples.Infrastructure;

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

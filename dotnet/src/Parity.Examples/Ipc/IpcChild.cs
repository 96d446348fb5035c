using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// A child copy of this program (see <see cref="SelfLauncher"/>) for the ipc concepts: its output
/// is drained as it runs, waiting for it always has a limit, and disposing it kills a child
/// that is still running, so no child outlives the concept that started it.
/// </summary>
internal sealed class IpcChild : IAsyncDisposable
{
    /// <summary>How long a wait that should succeed may take (generous: the machine may be loaded).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private IpcChild(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static IpcChild Start(string conceptId, params string[] args) =>
        new(Process.Start(SelfLauncher.StartInfo(conceptId, args))
            ?? throw new InvalidOperationException("the child process did not start"));

    public int Id => _process.Id;

    /// <summary>Waits for the child to exit; returns its exit code and what it wrote.</summary>
    public async Task<(int ExitCode, string Output)> WaitAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Patience);
        await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        var output = await _stdout.ConfigureAwait(false);
        var errors = await _stderr.ConfigureAwait(false);
        return (_process.ExitCode, output + errors);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var deadline = new CancellationTokenSource(Patience);
                await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }
}

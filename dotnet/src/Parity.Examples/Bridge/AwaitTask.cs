namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.await-task: Tasks for Python's asyncio to await: one that succeeds, one that fails,
/// one that honours the caller's token and one that cancels itself.
/// </summary>
public static class AwaitTask
{
    // <tasks>
    public static async Task<long> SquareLaterAsync(long value, TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        return value * value;
    }

    public static async Task<long> FailLaterAsync(string message, TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        throw new InvalidOperationException(message);
    }

    /// <summary>Cancelled by .NET itself (its own timeout), not by the caller.</summary>
    public static async Task<long> GiveUpAfterAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Task.Delay(Timeout.InfiniteTimeSpan, cts.Token).ConfigureAwait(false);
        return 0;
    }
    // </tasks>
}

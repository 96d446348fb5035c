namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.cancellation: .NET work that Python stops through a <see cref="CancellationToken"/>
/// it owns (a CancellationTokenSource created in Python, cancelled by a timeout or by Ctrl-C).
/// </summary>
public static class Cancellation
{
    // <work>
    /// <summary>Runs up to <paramref name="steps"/> steps of <paramref name="step"/> each; returns the steps done.</summary>
    public static async Task<int> StepsAsync(int steps, TimeSpan step, CancellationToken cancellationToken)
    {
        for (var done = 0; done < steps; done++)
        {
            // Throws OperationCanceledException (TaskCanceledException) as soon as the token fires.
            await Task.Delay(step, cancellationToken).ConfigureAwait(false);
        }
        return steps;
    }

    /// <summary>CPU-bound PLINQ that checks the token between elements.</summary>
    public static long SlowSum(int count, TimeSpan perElement, CancellationToken cancellationToken) =>
        ParallelEnumerable.Range(0, count)
            .WithCancellation(cancellationToken)
            .Select(i =>
            {
                cancellationToken.WaitHandle.WaitOne(perElement);
                return (long)i;
            })
            .Sum();
    // </work>

    /// <summary>Blocks the calling thread for <paramref name="duration"/> (no token): a call Python cannot interrupt.</summary>
    public static void Block(TimeSpan duration) => Thread.Sleep(duration);
}

using Parity.Examples.Infrastructure;

namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.cancellation: .NET work stopped through a <see cref="CancellationToken"/>. Python owns
/// the CancellationTokenSource (cancelled by a timeout or by Ctrl-C) and calls the methods below;
/// <see cref="RunAsync"/> is the same story told in C#, where the host's token (the CLI's Ctrl-C,
/// or the bridge's) is linked with a timeout.
/// </summary>
[Concept("bridge.cancellation")]
public static class Cancellation
{
    // <work>
    /// <summary>Runs up to <paramref name="steps"/> steps of <paramref name="step"/> each; returns
    /// the steps done.</summary>
    public static async Task<int> StepsAsync(
        int steps, TimeSpan step, CancellationToken cancellationToken)
    {
        for (var done = 0; done < steps; done++)
        {
            // Throws OperationCanceledException (TaskCanceledException) as soon as the token fires.
            await Task.Delay(step, cancellationToken).ConfigureAwait(false);
        }
        return steps;
    }

    /// <summary>CPU-bound PLINQ that checks the token between elements.</summary>
    public static long SlowSum(
        int count, TimeSpan perElement, CancellationToken cancellationToken) =>
        ParallelEnumerable.Range(0, count)
            .WithCancellation(cancellationToken)
            .Select(i =>
            {
                cancellationToken.WaitHandle.WaitOne(perElement);
                return (long)i;
            })
            .Sum();
    // </work>

    /// <summary>Blocks the calling thread for <paramref name="duration"/> (no token): a call Python
    /// cannot interrupt.</summary>
    public static void Block(TimeSpan duration) => Thread.Sleep(duration);

    // <timeout>
    // A deadline that should not fire, so it is not scaled: the five steps take 0.5 s.
    private static readonly TimeSpan Roomy = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(ConceptContext ctx)
    {
        var step = ctx.Seconds(0.1);
        using (var roomy = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken))
        {
            roomy.CancelAfter(Roomy);
            var done = await StepsAsync(5, step, roomy.Token).ConfigureAwait(false);
            ctx.Out.WriteLine($"5 steps, timeout after 10 s: all {done} steps done");
        }
        using (var tight = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken))
        {
            tight.CancelAfter(ctx.Seconds(0.5));
            try
            {
                await StepsAsync(100, step, tight.Token).ConfigureAwait(false);
                ctx.Out.WriteLine(
                    "100 steps, CancelAfter 0.5 s: finished (the machine was too slow to cancel)");
            }
            catch (OperationCanceledException) when (!ctx.CancellationToken.IsCancellationRequested)
            {
                // The timeout fired, not the host: report it; a host cancellation propagates.
                ctx.Out.WriteLine("100 steps, CancelAfter 0.5 s: cancelled");
            }
        }
    }
    // </timeout>
}

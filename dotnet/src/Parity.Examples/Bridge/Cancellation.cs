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
    /// <summary>Up to <paramref name="steps"/> delays; returns how many were done.</summary>
    public static async Task<int> StepsAsync(int steps, TimeSpan step, CancellationToken token)
    {
        for (var done = 0; done < steps; done++)
        {
            // Throws OperationCanceledException (TaskCanceledException) as soon as the token fires.
            await Task.Delay(step, token).ConfigureAwait(false);
        }
        return steps;
    }

    /// <summary>CPU-bound PLINQ that checks the token between elements.</summary>
    public static long SlowSum(int count, TimeSpan perElement, CancellationToken token) =>
        ParallelEnumerable.Range(0, count)
            .WithCancellation(token)
            .Select(i =>
            {
                token.WaitHandle.WaitOne(perElement);
                return (long)i;
            })
            .Sum();
    // </work>

    /// <summary>Blocks the calling thread, with no token: a call Python cannot interrupt.</summary>
    public static void Block(TimeSpan duration) => Thread.Sleep(duration);

    // <timeout>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var step = ctx.Seconds(0.1);
        var roomyDeadline = TimeSpan.FromSeconds(10); // should not fire, so it is not scaled
        using var roomy = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
        roomy.CancelAfter(roomyDeadline);
        var done = await StepsAsync(5, step, roomy.Token).ConfigureAwait(false);
        ctx.Out.WriteLine($"5 steps, timeout after 10 s: all {done} steps done");

        using var tight = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
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
    // </timeout>
}

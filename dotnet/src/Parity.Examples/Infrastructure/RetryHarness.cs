using System.Diagnostics;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// task.retry-backoff's harness: a loopback server's handler that fails the first k requests, and
/// a cancellation that lands while a download runs, timed from the cancel to the end.
/// </summary>
public static class RetryHarness
{
    /// <summary>Answers 500 to the first <paramref name="k"/> requests, then 200; each reply
    /// after <paramref name="delay"/>.</summary>
    public static Func<string, int, HttpReply> FailingFirst(int k, TimeSpan delay = default) =>
        (_, number) => number <= k
            ? new HttpReply(500, "busy", delay)
            : new HttpReply(200, $"page after {number} requests", delay);

    /// <summary>Cancels <paramref name="download"/> after <paramref name="after"/>: how long it ran
    /// on, and how it ended.</summary>
    public static async Task<(TimeSpan After, string Outcome)> CancelDuringAsync(
        Func<CancellationToken, Task<string>> download, TimeSpan after)
    {
        using var cts = new CancellationTokenSource();
        var task = download(cts.Token);
        await Task.Delay(after);
        await cts.CancelAsync();
        var stopwatch = Stopwatch.StartNew();
        string outcome;
        try
        {
            await task.WaitAsync(Timeouts.Long);
            outcome = "finished anyway";
        }
        catch (OperationCanceledException ex)
        {
            outcome = ex.GetType().Name;
        }
        catch (HttpRequestException ex)
        {
            outcome = $"HttpRequestException {(int?)ex.StatusCode}";
        }
        return (stopwatch.Elapsed, outcome);
    }
}

using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.retry-backoff: retry a download three times, waiting 1 s, 2 s, 4 s, then try once more
/// and let that last error reach the caller. Unlike the article, only HttpRequestException is
/// retried (a cancellation or a bug is not a reason to try again), the token reaches every
/// request and every delay, and the program shares one HttpClient instead of creating and
/// disposing one per call. The server is a loopback one that fails the first k requests.
/// </summary>
[Concept("task.retry-backoff")]
public static class RetryBackoff
{
    public const int Retries = 3;

    // <one-client>
    // One client for the whole program: it pools connections. PooledConnectionLifetime makes it
    // reconnect now and then, so a long-lived client still follows DNS changes.
    private static readonly HttpClient Shared = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeouts.Short,
    };
    // </one-client>

    // <retry>
    /// <summary>GETs <paramref name="url"/>; after a failure waits firstDelay, then twice as long, ...; the last error propagates.</summary>
    public static async Task<string> DownloadWithRetryAsync(HttpClient client, Uri url, TimeSpan firstDelay,
        CancellationToken cancellationToken, Action<int, TimeSpan, HttpRequestException>? onRetry = null)
    {
        var delay = firstDelay;
        for (var attempt = 1; attempt <= Retries; attempt++)
        {
            try
            {
                return await client.GetStringAsync(url, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                onRetry?.Invoke(attempt, delay, ex);
            }
            await Task.Delay(delay, cancellationToken); // a cancellation here ends the download at once
            delay *= 2;
        }
        return await client.GetStringAsync(url, cancellationToken); // the last attempt: its error is the caller's
    }
    // </retry>

    // <swallow-everything>
    /// <summary>The article's shape: an empty catch, and delays that ignore the token. A cancel is eaten.</summary>
    public static async Task<string> DownloadSwallowingEverythingAsync(HttpClient client, Uri url, TimeSpan firstDelay, CancellationToken cancellationToken)
    {
        var delay = firstDelay;
        for (var attempt = 1; attempt <= Retries; attempt++)
        {
            try
            {
                return await client.GetStringAsync(url, cancellationToken);
            }
#pragma warning disable CA1031 // Deliberately the anti-pattern this concept warns about.
            catch
            {
            }
#pragma warning restore CA1031
            await Task.Delay(delay, CancellationToken.None);
            delay *= 2;
        }
        return await client.GetStringAsync(url, cancellationToken);
    }
    // </swallow-everything>

    /// <summary>A handler that answers 500 to the first k requests, then 200; each reply after <paramref name="delay"/>.</summary>
    public static Func<string, int, HttpReply> FailingFirst(int k, TimeSpan delay = default) =>
        (_, number) => number <= k ? new HttpReply(500, "busy", delay) : new HttpReply(200, $"page after {number} requests", delay);

    /// <summary>Cancels <paramref name="download"/> after <paramref name="after"/>; how long it ran on, and how it ended.</summary>
    public static async Task<(TimeSpan After, string Outcome)> CancelDuringAsync(Func<CancellationToken, Task<string>> download, TimeSpan after)
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

    // <connections>
    /// <summary>How many TCP connections <paramref name="requests"/> GETs open: one shared client, or one client per call.</summary>
    public static async Task<(int Shared, int PerCall)> ConnectionsOpenedAsync(int requests, CancellationToken cancellationToken)
    {
        int shared, perCall;
        await using (var server = new LoopbackHttpServer((_, number) => new HttpReply(200, $"request {number}"), keepAlive: true))
        {
            using var client = new HttpClient();
            for (var i = 0; i < requests; i++)
            {
                await client.GetStringAsync(server.Url("/"), cancellationToken);
            }
            shared = server.ConnectionCount;
        }
        await using (var server = new LoopbackHttpServer((_, number) => new HttpReply(200, $"request {number}"), keepAlive: true))
        {
            for (var i = 0; i < requests; i++)
            {
                using var client = new HttpClient(); // the article's using-per-call
                await client.GetStringAsync(server.Url("/"), cancellationToken);
            }
            perCall = server.ConnectionCount;
        }
        return (shared, perCall);
    }
    // </connections>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var token = ctx.CancellationToken;
        foreach (var k in new[] { 2, 4 })
        {
            ctx.Out.WriteLine($"server fails the first {k} requests:");
            await using var server = new LoopbackHttpServer(FailingFirst(k));
            try
            {
                var page = await DownloadWithRetryAsync(Shared, server.Url("/page"), ctx.Seconds(1), token,
                    (attempt, delay, ex) => ctx.Out.WriteLine($"  attempt {attempt} failed ({ex.Message}); waiting {delay.TotalSeconds:F2} s"));
                ctx.Out.WriteLine($"  got '{page}' after {server.RequestCount} attempts");
            }
            catch (HttpRequestException ex)
            {
                ctx.Out.WriteLine($"  gave up after {server.RequestCount} attempts: HttpRequestException {(int?)ex.StatusCode}");
            }
        }

        // Every reply is slow, so the cancel lands while a request is in flight.
        ctx.Out.WriteLine("cancelled while the first request is in flight (backoff 0.25 s, 0.5 s, 1 s):");
        await using (var slow = new LoopbackHttpServer(FailingFirst(100, ctx.Seconds(0.2))))
        {
            var url = slow.Url("/page");
            var first = ctx.Seconds(0.25);
            var good = await CancelDuringAsync(t => DownloadWithRetryAsync(Shared, url, first, t), ctx.Seconds(0.1));
            ctx.Out.WriteLine($"  catch (HttpRequestException): {good.Outcome} {good.After.TotalSeconds:F2} s after the cancel");
            var bad = await CancelDuringAsync(t => DownloadSwallowingEverythingAsync(Shared, url, first, t), ctx.Seconds(0.1));
            ctx.Out.WriteLine($"  catch {{}} (the article's): {bad.Outcome} {bad.After.TotalSeconds:F2} s after the cancel");
        }

        var (shared, perCall) = await ConnectionsOpenedAsync(3, token);
        ctx.Out.WriteLine($"3 requests opened {shared} connection(s) with one shared HttpClient, {perCall} with a new HttpClient per call");
    }
    // </run>
}

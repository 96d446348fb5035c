using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.retry-backoff: retry a download three times, waiting 1 s, 2 s, 4 s, then try once more
/// and let that last error reach the caller. Unlike the article, only HttpRequestException is
/// retried (a cancellation or a bug is no reason to try again), the token reaches every request
/// and every delay, and the program shares one HttpClient rather than one per call.
/// </summary>
[Concept("task.retry-backoff")]
public static class RetryBackoff
{
    public const int Retries = 3;

    // <one-client>
    // One client for the whole program: it pools connections. PooledConnectionLifetime makes it
    // reconnect now and then, so a long-lived client still follows DNS changes.
    private static readonly HttpClient Shared = new(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeouts.Short,
    };
    // </one-client>

    // <retry>
    /// <summary>GETs <paramref name="url"/>; after a failure waits firstDelay, then twice as long,
    /// ...; the last error propagates.</summary>
    public static async Task<string> DownloadWithRetryAsync(HttpClient client, Uri url,
        TimeSpan firstDelay, CancellationToken cancellationToken,
        Action<int, TimeSpan, HttpRequestException>? onRetry = null)
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
            await Task.Delay(delay, cancellationToken); // a cancel here ends the download at once
            delay *= 2;
        }
        // The last attempt: its error is the caller's.
        return await client.GetStringAsync(url, cancellationToken);
    }
    // </retry>

    // <swallow-everything>
    /// <summary>The article's shape: an empty catch, and delays that ignore the token.</summary>
    public static async Task<string> DownloadSwallowingEverythingAsync(HttpClient client, Uri url,
        TimeSpan firstDelay, CancellationToken cancellationToken)
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

    // <connections>
    /// <summary>TCP connections the GETs open: one shared client, or one client per call.</summary>
    public static async Task<(int Shared, int PerCall)> ConnectionsOpenedAsync(
        int requests, CancellationToken cancellationToken)
    {
        int shared, perCall;
        static HttpReply Reply(string path, int number) => new(200, $"request {number}");
        await using (var server = new LoopbackHttpServer(Reply, keepAlive: true))
        {
            using var client = new HttpClient();
            for (var i = 0; i < requests; i++)
            {
                await client.GetStringAsync(server.Url("/"), cancellationToken);
            }
            shared = server.ConnectionCount;
        }
        await using (var server = new LoopbackHttpServer(Reply, keepAlive: true))
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
            await using var server = new LoopbackHttpServer(RetryHarness.FailingFirst(k));
            void OnRetry(int attempt, TimeSpan delay, HttpRequestException ex) => ctx.Out.WriteLine(
                $"  attempt {attempt} failed ({ex.Message}); waiting {delay.TotalSeconds:F2} s");
            try
            {
                var page = await DownloadWithRetryAsync(
                    Shared, server.Url("/page"), ctx.Seconds(1), token, OnRetry);
                ctx.Out.WriteLine($"  got '{page}' after {server.RequestCount} attempts");
            }
            catch (HttpRequestException ex)
            {
                var status = $"HttpRequestException {(int?)ex.StatusCode}";
                ctx.Out.WriteLine($"  gave up after {server.RequestCount} attempts: {status}");
            }
        }

        // Every reply is slow, so the cancel lands while a request is in flight.
        ctx.Out.WriteLine(
            "cancelled while the first request is in flight (backoff 0.25 s, 0.5 s, 1 s):");
        var slowReplies = RetryHarness.FailingFirst(100, ctx.Seconds(0.2));
        await using (var slow = new LoopbackHttpServer(slowReplies))
        {
            var (url, first, soon) = (slow.Url("/page"), ctx.Seconds(0.25), ctx.Seconds(0.1));
            var good = await RetryHarness.CancelDuringAsync(
                t => DownloadWithRetryAsync(Shared, url, first, t), soon);
            var after = $"{good.After.TotalSeconds:F2} s after the cancel";
            ctx.Out.WriteLine($"  catch (HttpRequestException): {good.Outcome} {after}");
            var bad = await RetryHarness.CancelDuringAsync(
                t => DownloadSwallowingEverythingAsync(Shared, url, first, t), soon);
            after = $"{bad.After.TotalSeconds:F2} s after the cancel";
            ctx.Out.WriteLine($"  catch {{}} (the article's): {bad.Outcome} {after}");
        }

        var (shared, perCall) = await ConnectionsOpenedAsync(3, token);
        ctx.Out.WriteLine($"3 requests opened {shared} connection(s) with one shared HttpClient, "
            + $"{perCall} with a new HttpClient per call");
    }
    // </run>
}

using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.when-all: start several downloads at once and wait for all of them. The server is a
/// loopback one this concept starts itself; each endpoint answers after its own delay, so the
/// whole batch takes about as long as the slowest download, not the sum of them.
/// When downloads fail, <c>await Task.WhenAll</c> waits for every task, then throws only the
/// first exception in INPUT order; every exception is in the returned task's
/// Exception.InnerExceptions, so keep a reference to that task when you need them all.
/// </summary>
[Concept("task.when-all")]
public static class WhenAll
{
    // <fetch-all>
    /// <summary>Downloads every URL concurrently; results come in the order of the input.</summary>
    public static async Task<string[]> DownloadAllAsync(
        HttpClient client, IEnumerable<Uri> urls, CancellationToken token)
    {
        var downloads = urls.Select(url => client.GetStringAsync(url, token));
        return await Task.WhenAll(downloads);
    }
    // </fetch-all>

    /// <summary>Input order: a 500 after 0.5 s, a 404 after 0.1 s (fails first), a 200 after 0.6 s.</summary>
    public static readonly IReadOnlyList<string> FailingBatch = ["/500/5", "/404/1", "/200/6"];

    // <errors>
    /// <summary>What <c>await Task.WhenAll</c> throws, and every failure its task holds.</summary>
    public static async Task<(HttpRequestException Thrown, IReadOnlyList<Exception> All)>
        FailuresAsync(HttpClient client, IEnumerable<Uri> urls, CancellationToken token)
    {
        var all = Task.WhenAll(urls.Select(url => client.GetStringAsync(url, token)));
        try
        {
            await all;
        }
        catch (HttpRequestException first)
        {
            // await unwraps the AggregateException and rethrows its first inner exception only.
            return (first, all.Exception!.InnerExceptions);
        }
        throw new InvalidOperationException("expected a failure");
    }
    // </errors>

    /// <summary>/STATUS/N answers STATUS after N tenths of a second (scaled).</summary>
    public static Func<string, int, HttpReply> StatusEndpoint(ConceptContext ctx) => (path, _) =>
    {
        var parts = path.Split('/');
        var tenths = int.Parse(parts[2], CultureInfo.InvariantCulture);
        var status = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return new HttpReply(status, $"{parts[1]} after {tenths}", ctx.Seconds(tenths / 10.0));
    };

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        // Endpoint /slow/N answers after N tenths of a second (scaled).
        await using var server = new LoopbackHttpServer((path, _) =>
        {
            var tenths = int.Parse(path.Split('/')[^1], CultureInfo.InvariantCulture);
            return new HttpReply(200, $"page {tenths}", ctx.Seconds(tenths / 10.0));
        });
        using var client = new HttpClient { Timeout = Timeouts.Short };
        int[] delays = [3, 1, 2];
        // Warm up first: the very first request pays for JIT and connection setup, not for concurrency.
        await client.GetStringAsync(server.Url("/slow/0"), ctx.CancellationToken);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var urls = delays.Select(d => server.Url($"/slow/{d}"));
        var pages = await DownloadAllAsync(client, urls, ctx.CancellationToken);
        ctx.Out.WriteLine($"pages (input order): {string.Join(", ", pages)}");
        double alone = ctx.Seconds(0.3).TotalSeconds, inARow = ctx.Seconds(0.6).TotalSeconds;
        ctx.Out.WriteLine($"elapsed {started.Elapsed.TotalSeconds:F2} s; slowest alone {alone:F2} s, "
            + $"all in a row {inARow:F2} s");

        await using var statuses = new LoopbackHttpServer(StatusEndpoint(ctx));
        var failing = FailingBatch.Select(statuses.Url);
        var (thrown, all) = await FailuresAsync(client, failing, ctx.CancellationToken);
        ctx.Out.WriteLine($"await Task.WhenAll threw HttpRequestException {(int?)thrown.StatusCode} "
            + "(first in input order, after all ended)");
        var each = all.Select(e => $"{e.GetType().Name} {(int?)((HttpRequestException)e).StatusCode}");
        ctx.Out.WriteLine($"Exception.InnerExceptions: [{string.Join(", ", each)}]");
    }
    // </run>
}

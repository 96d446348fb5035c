using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.when-all: start several downloads at once and wait for all of them: the batch takes about
/// as long as the slowest download, not the sum. When downloads fail, <c>await Task.WhenAll</c>
/// waits for every task, then throws only the first exception in INPUT order; every exception is
/// in the returned task's Exception.InnerExceptions, so keep that task when you need them all.
/// </summary>
[Concept("task.when-all")]
public static class WhenAll
{
    // <fetch-all>
    /// <summary>Downloads every URL concurrently; results come in the order of the input.</summary>
    public static Task<string[]> DownloadAllAsync(
        HttpClient client, IEnumerable<Uri> urls, CancellationToken token) =>
        Task.WhenAll(urls.Select(url => client.GetStringAsync(url, token)));
    // </fetch-all>
    // <errors>
    public static async Task<(HttpRequestException Thrown, IReadOnlyList<Exception> All)>
        FailuresAsync(HttpClient client, IEnumerable<Uri> urls, CancellationToken token)
    {
        var all = DownloadAllAsync(client, urls, token);
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
    /// <summary>/STATUS/N answers STATUS, "page N", after N tenths of a second.</summary>
    public static Func<string, int, HttpReply> StatusEndpoint(ConceptContext ctx) => (path, _) =>
    {
        int[] n = [.. path.Split('/')[1..].Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        return new HttpReply(n[0], $"page {n[1]}", ctx.Seconds(n[1] / 10.0));
    };

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var token = ctx.CancellationToken;
        await using var server = new LoopbackHttpServer(StatusEndpoint(ctx));
        using var client = new HttpClient { Timeout = Timeouts.Short };
        await client.GetStringAsync(server.Url("/200/0"), token); // pays for JIT and connecting
        var started = System.Diagnostics.Stopwatch.StartNew();
        string[] slow = ["/200/3", "/200/1", "/200/2"];
        var pages = await DownloadAllAsync(client, slow.Select(server.Url), token);
        ctx.Out.WriteLine($"pages (input order): {string.Join(", ", pages)}");
        double alone = ctx.Seconds(0.3).TotalSeconds, inARow = ctx.Seconds(0.6).TotalSeconds;
        ctx.Out.WriteLine($"elapsed {started.Elapsed.TotalSeconds:F2} s; slowest alone "
            + $"{alone:F2} s, all in a row {inARow:F2} s");

        // Input order: a 500 after 0.5 s, a 404 after 0.1 s (fails first), a 200 after 0.6 s.
        string[] failing = ["/500/5", "/404/1", "/200/6"];
        var (thrown, all) = await FailuresAsync(client, failing.Select(server.Url), token);
        ctx.Out.WriteLine($"await Task.WhenAll threw HttpRequestException "
            + $"{(int?)thrown.StatusCode} (first in input order, after all ended)");
        var each = all.Select(e => $"{e.GetType().Name} {(int?)((HttpRequestException)e).StatusCode}");
        ctx.Out.WriteLine($"Exception.InnerExceptions: [{string.Join(", ", each)}]");
    }
    // </run>
}

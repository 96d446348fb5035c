using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.when-all: start several downloads at once and wait for all of them. The server is a
/// loopback one this concept starts itself; each endpoint answers after its own delay, so the
/// whole batch takes about as long as the slowest download, not the sum of them.
/// </summary>
[Concept("task.when-all")]
public static class WhenAll
{
    // <fetch-all>
    /// <summary>Downloads every URL concurrently; results come back in the order of the input.</summary>
    public static async Task<string[]> DownloadAllAsync(HttpClient client, IEnumerable<Uri> urls, CancellationToken cancellationToken)
    {
        var downloads = urls.Select(url => client.GetStringAsync(url, cancellationToken));
        return await Task.WhenAll(downloads);
    }
    // </fetch-all>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        // Endpoint /slow/N answers after N tenths of a second (scaled).
        await using var server = new LoopbackHttpServer((path, _) =>
        {
            var tenths = int.Parse(path.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
            return new HttpReply(200, $"page {tenths}", ctx.Seconds(tenths / 10.0));
        });
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        int[] delays = [3, 1, 2];
        var started = System.Diagnostics.Stopwatch.StartNew();
        var pages = await DownloadAllAsync(client, delays.Select(d => server.Url($"/slow/{d}")), ctx.CancellationToken);
        ctx.Out.WriteLine($"pages (input order): {string.Join(", ", pages)}");
        ctx.Out.WriteLine($"elapsed {started.Elapsed.TotalSeconds:F2} s; slowest alone {ctx.Seconds(0.3).TotalSeconds:F2} s, all in a row {ctx.Seconds(0.6).TotalSeconds:F2} s");
    }
    // </run>
}

using BenchmarkDotNet.Attributes;

namespace Parity.Benchmarks;

/// <summary>
/// Workload 4: async fan-out (HttpClient and WhenAll against the loopback server), over pooled
/// keep-alive connections (HttpClient's default) and over a new connection per request, as the
/// Python client does each; then many sleeping tasks.
/// </summary>
public class AsyncBenchmarks
{
    private HttpClient _client = new();

    [GlobalSetup]
    public void Setup() => _client = new HttpClient { Timeout = Children.Timeout };

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark]
    public async Task<int> FanOutKeepAlive()
    {
        var url = new Uri(Settings.Url);
        var bodies = await Task.WhenAll(Enumerable.Range(0, Settings.Requests).Select(_ => _client.GetStringAsync(url)));
        return bodies.Length;
    }

    [Benchmark]
    public async Task<int> FanOutNewConnection()
    {
        var url = new Uri(Settings.Url);
        var bodies = await Task.WhenAll(Enumerable.Range(0, Settings.Requests).Select(_ => ClosingGetAsync(url)));
        return bodies.Length;
    }

    [Benchmark]
    public Task SleepingTasks()
    {
        var delay = TimeSpan.FromMilliseconds(Settings.SleepMilliseconds);
        return Task.WhenAll(Enumerable.Range(0, Settings.SleepingTasks).Select(_ => Task.Delay(delay)));
    }

    /// <summary>One GET with `Connection: close`: the handler drops the connection after it.</summary>
    private async Task<string> ClosingGetAsync(Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}

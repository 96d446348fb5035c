using BenchmarkDotNet.Attributes;

namespace Parity.Benchmarks;

/// <summary>Workload 4: async fan-out (HttpClient and WhenAll against the loopback server) and many sleeping tasks.</summary>
public class AsyncBenchmarks
{
    private HttpClient _client = new();

    [GlobalSetup]
    public void Setup() => _client = new HttpClient { Timeout = Children.Timeout };

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark]
    public async Task<int> FanOut()
    {
        var url = new Uri(Settings.Url);
        var bodies = await Task.WhenAll(Enumerable.Range(0, Settings.Requests).Select(_ => _client.GetStringAsync(url)));
        return bodies.Length;
    }

    [Benchmark]
    public Task SleepingTasks()
    {
        var delay = TimeSpan.FromMilliseconds(Settings.SleepMilliseconds);
        return Task.WhenAll(Enumerable.Range(0, Settings.SleepingTasks).Select(_ => Task.Delay(delay)));
    }
}

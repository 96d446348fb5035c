using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1) * Ctx.TestTimeScale;

    /// <summary>Runs the retry against a server failing the first k requests; records waits and request times.</summary>
    private static async Task<(Task<string> Result, List<TimeSpan> Waits, TimeSpan[] Gaps, int Requests)> RunAsync(int k)
    {
        var clock = Stopwatch.StartNew();
        var times = new ConcurrentQueue<TimeSpan>();
        var failing = RetryBackoff.FailingFirst(k);
        await using var server = new LoopbackHttpServer((path, n) =>
        {
            times.Enqueue(clock.Elapsed);
            return failing(path, n);
        });
        using var client = new HttpClient();
        var waits = new List<TimeSpan>();
        var result = RetryBackoff.DownloadWithRetryAsync(client, server.Url("/p"), FirstDelay, CancellationToken.None, (_, d, _) => waits.Add(d));
        try
        {
            await result.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (HttpRequestException)
        {
        }
        var t = times.ToArray();
        return (result, waits, [.. t.Zip(t.Skip(1), (a, b) => b - a)], server.RequestCount);
    }

    [Fact]
    public async Task Retry_TwoFailures_SucceedsOnThirdAttemptAfterOneThenTwoSeconds()
    {
        var (result, waits, gaps, requests) = await RunAsync(2);
        Assert.Equal("page after 3 requests", await result);
        Assert.Equal(3, requests);
        Assert.Equal([FirstDelay, FirstDelay * 2], waits);
        Assert.All(gaps.Zip(waits), p => Assert.True(p.First >= p.Second - TimeSpan.FromMilliseconds(5), $"gap {p.First} < wait {p.Second}"));
    }

    [Fact]
    public async Task Retry_FourFailures_MakesFourAttemptsThenPropagatesStatus500()
    {
        var (result, waits, gaps, requests) = await RunAsync(4);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => result);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, requests);
        Assert.Equal([FirstDelay, FirstDelay * 2, FirstDelay * 4], waits);
        Assert.All(gaps.Zip(waits), p => Assert.True(p.First >= p.Second - TimeSpan.FromMilliseconds(5), $"gap {p.First} < wait {p.Second}"));
    }

    [Fact]
    public async Task Retry_CancelledDuringRequest_StopsAtOnceWithoutRetrying()
    {
        await using var server = new LoopbackHttpServer(RetryBackoff.FailingFirst(100, TimeSpan.FromSeconds(0.2)));
        using var client = new HttpClient();
        var (after, outcome) = await RetryBackoff.CancelDuringAsync(
            t => RetryBackoff.DownloadWithRetryAsync(client, server.Url("/p"), TimeSpan.FromSeconds(0.25), t), TimeSpan.FromSeconds(0.05));
        Assert.Equal(nameof(TaskCanceledException), outcome);
        Assert.True(after < TimeSpan.FromSeconds(0.2), $"took {after}");
        Assert.InRange(server.RequestCount, 0, 1); // no retry (under load the first may not have arrived yet)
    }

    [Fact]
    public async Task CatchAll_CancelledDuringRequest_SwallowsItAndSitsThroughEveryDelay()
    {
        // The first reply is slow, so the cancel surely lands while that request is in flight.
        await using var server = new LoopbackHttpServer((path, n) => new HttpReply(500, "busy", TimeSpan.FromSeconds(n == 1 ? 0.5 : 0.01)));
        using var client = new HttpClient();
        var first = TimeSpan.FromSeconds(0.05);
        var (after, outcome) = await RetryBackoff.CancelDuringAsync(
            t => RetryBackoff.DownloadSwallowingEverythingAsync(client, server.Url("/p"), first, t), TimeSpan.FromSeconds(0.01));
        // The cancel is caught and ignored: the caller waits 1+2+4 backoff units before it surfaces.
        Assert.Equal(nameof(TaskCanceledException), outcome);
        Assert.True(after >= first * 7 - TimeSpan.FromMilliseconds(5), $"took {after}");
    }

    [Fact]
    public async Task Client_SharedVersusPerCall_PerCallOpensAConnectionPerRequest()
    {
        var (shared, perCall) = await RetryBackoff.ConnectionsOpenedAsync(3, CancellationToken.None);
        Assert.Equal(1, shared);
        Assert.Equal(3, perCall);
    }

    [Fact]
    public void Await_OutsideAnAsyncMethod_IsAnOrdinaryIdentifier()
    {
        // Why C# needs the async modifier: it switches await from a name to a keyword, so code
        // written before C# 5 that used "await" as a variable still compiles.
        var await = 42;
        Assert.Equal(42, await);
    }

    [Fact]
    public async Task Run_ShowsSuccessGiveUpCancellationsAndConnections()
    {
        var ctx = Ctx.Create(out var output);
        await RetryBackoff.RunAsync(ctx);
        var text = output.ToString();
        Assert.Contains("got 'page after 3 requests' after 3 attempts", text, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts: HttpRequestException 500", text, StringComparison.Ordinal);
        Assert.Contains("3 requests opened 1 connection(s) with one shared HttpClient, 3 with a new HttpClient per call", text, StringComparison.Ordinal);
    }
}

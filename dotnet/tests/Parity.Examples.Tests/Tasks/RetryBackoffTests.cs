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
        var failing = RetryHarness.FailingFirst(k);
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
            await result.WaitAsync(Timeouts.Short);
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
        Assert.All(gaps.Zip(waits), p => TimerSlack.AssertWaited(p.First, p.Second));
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
        Assert.All(gaps.Zip(waits), p => TimerSlack.AssertWaited(p.First, p.Second));
    }

    [Fact]
    public async Task Retry_CancelledDuringRequest_StopsAtOnceWithoutRetrying()
    {
        // The server holds its reply until the test releases it, so the cancel surely lands while
        // the request is in flight; the download must end while the reply is still held.
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackHttpServer(async (_, _) =>
        {
            arrived.TrySetResult();
            await release.Task;
            return new HttpReply(500, "busy");
        });
        using var client = new HttpClient();
        using var cts = new CancellationTokenSource();
        var download = RetryBackoff.DownloadWithRetryAsync(client, server.Url("/p"), Timeouts.Long, cts.Token);
        await arrived.Task.WaitAsync(Timeouts.Short);
        await cts.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => download.WaitAsync(Timeouts.Short));
        release.SetResult();
        Assert.Equal(1, server.RequestCount); // no retry
    }

    [Fact]
    public async Task CatchAll_CancelledDuringRequest_SwallowsItAndSitsThroughEveryDelay()
    {
        // The first reply is slow, so the cancel surely lands while that request is in flight.
        await using var server = new LoopbackHttpServer((path, n) => new HttpReply(500, "busy", TimeSpan.FromSeconds(n == 1 ? 0.5 : 0.01)));
        using var client = new HttpClient();
        var first = TimeSpan.FromSeconds(0.05);
        var (after, outcome) = await RetryHarness.CancelDuringAsync(
            t => RetryBackoff.DownloadSwallowingEverythingAsync(client, server.Url("/p"), first, t), TimeSpan.FromSeconds(0.01));
        // The cancel is caught and ignored: the caller waits 1+2+4 backoff units before it surfaces.
        Assert.Equal(nameof(TaskCanceledException), outcome);
        TimerSlack.AssertWaited(after, first * 7, timers: 3);
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
        var text = await Ctx.RunAsync(RetryBackoff.RunAsync);
        Assert.Contains("got 'page after 3 requests' after 3 attempts", text, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts: HttpRequestException 500", text, StringComparison.Ordinal);
        Assert.Contains("3 requests opened 1 connection(s) with one shared HttpClient, 3 with a new HttpClient per call", text, StringComparison.Ordinal);
    }
}

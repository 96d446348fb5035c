using System.Globalization;
using System.Net;
using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class WhenAllTests
{
    private static readonly double[] Delays = [0.3, 0.1, 0.2];

    private static LoopbackHttpServer DelayServer() => new((path, _) =>
        new HttpReply(200, path, TimeSpan.FromSeconds(double.Parse(path.Split('/')[^1], CultureInfo.InvariantCulture))));

    [Fact]
    public async Task DownloadAll_SeveralSlowEndpoints_ReturnsPagesInInputOrder()
    {
        await using var server = DelayServer();
        using var client = new HttpClient();
        var pages = await WhenAll.DownloadAllAsync(client, Delays.Select(d => server.Url(FormattableString.Invariant($"/d/{d}"))), CancellationToken.None);
        Assert.Equal(Delays.Select(d => FormattableString.Invariant($"/d/{d}")), pages);
    }

    [Fact]
    public async Task DownloadAll_ThreeEndpoints_AllThreeRequestsAreInFlightAtOnce()
    {
        // The server holds every reply until all three requests have arrived. Downloads one after
        // another would never send the second request, so the batch completes only if they overlap:
        // then it takes about as long as the slowest download, not the sum.
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackHttpServer(async (path, _) =>
        {
            if (Interlocked.Increment(ref arrived) == Delays.Length)
            {
                allArrived.TrySetResult();
            }
            await allArrived.Task;
            return new HttpReply(200, path);
        });
        using var client = new HttpClient { Timeout = Timeouts.Short };
        var pages = await WhenAll.DownloadAllAsync(client, Delays.Select(d => server.Url(FormattableString.Invariant($"/d/{d}"))), CancellationToken.None)
            .WaitAsync(Timeouts.Long);
        Assert.Equal(Delays.Length, pages.Length);
        Assert.Equal(Delays.Length, server.RequestCount);
    }

    [Fact]
    public async Task WhenAll_TwoFailures_AwaitThrowsFirstInInputOrderAndTaskHoldsBoth()
    {
        var ctx = Ctx.Create(out _);
        await using var server = new LoopbackHttpServer(WhenAll.StatusEndpoint(ctx));
        using var client = new HttpClient();
        // The 500 is first in the input but fails after the 404.
        string[] batch = ["/500/5", "/404/1", "/200/6"];
        var (thrown, all) = await WhenAll.FailuresAsync(client, batch.Select(server.Url), CancellationToken.None)
            .WaitAsync(Timeouts.Short);
        Assert.Equal(HttpStatusCode.InternalServerError, thrown.StatusCode);
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.NotFound],
            all.Select(e => Assert.IsType<HttpRequestException>(e).StatusCode));
        Assert.Same(thrown, all[0]);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task WhenAll_OneFastFailure_StillWaitsForTheSlowestTask()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = Task.WhenAll(Task.FromException<string>(new InvalidOperationException("fast")), gate.Task);
        await Task.Yield();
        Assert.False(all.IsCompleted); // unlike gather, a failure does not end the wait early
        gate.SetResult("slow");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => all);
        Assert.Equal("fast", error.Message);
    }

    [Fact]
    public async Task Run_PrintsPagesInInputOrder()
    {
        var text = await Ctx.RunAsync(WhenAll.RunAsync);
        Assert.Contains("pages (input order): page 3, page 1, page 2", text, StringComparison.Ordinal);
    }

    /// <summary>Answers each path only when the test says so; counts the requests in flight.</summary>
    private sealed class GatedHandler(int expected) : HttpMessageHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<string>> _replies = new();
        private int _started;

        public TaskCompletionSource AllStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer(string path) => Reply(path).TrySetResult(path);

        private TaskCompletionSource<string> Reply(string path) =>
            _replies.GetOrAdd(path, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var reply = Reply(request.RequestUri!.AbsolutePath);
            if (Interlocked.Increment(ref _started) == expected)
            {
                AllStarted.TrySetResult();
            }
            var body = await reply.Task.WaitAsync(Timeouts.Short, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) };
        }
    }

    [Fact]
    public async Task DownloadAll_NoReplyYet_AllRequestsInFlightAndBatchEndsWithTheLast()
    {
        string[] paths = ["/slowest", "/fast", "/middle"];
        using var gate = new GatedHandler(paths.Length);
        using var client = new HttpClient(gate);
        var batch = WhenAll.DownloadAllAsync(client, paths.Select(p => new Uri("http://127.0.0.1" + p)), CancellationToken.None);

        // Every download is under way before any has an answer: one after another, the second
        // would never start (the first waits for an answer that comes only after all started).
        await gate.AllStarted.Task.WaitAsync(Timeouts.Short);
        gate.Answer("/fast");
        gate.Answer("/middle");
        Assert.False(batch.IsCompleted); // the slowest is still out: the batch waits for it
        gate.Answer("/slowest");
        Assert.Equal(paths, await batch.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task PendingDelays_AThousandAwaited_HoldNoThreadEach()
    {
        using var cts = new CancellationTokenSource();
        async Task<bool> WaitAsync()
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cts.Token);
                return false;
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }
        var waits = Enumerable.Range(0, 1000).Select(_ => WaitAsync()).ToArray();
        Assert.DoesNotContain(waits, w => w.IsCompleted);
        // A thousand waits in progress, and far fewer threads than that: an await holds none.
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
        {
            Assert.True(self.Threads.Count < 500, $"{self.Threads.Count} threads");
        }
        await cts.CancelAsync();
        Assert.All(await Task.WhenAll(waits).WaitAsync(Timeouts.Short), Assert.True);
    }
}

using System.Net;
using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class WhenAnyTests : IDisposable
{
    // /win answers at once, /fail answers 503 at once, /lose after Timeouts.Short (cut short when the server
    // stops), /gated once the test releases it (or after Timeouts.Short).
    private readonly ManualResetEventSlim _release = new();

    private LoopbackHttpServer RaceServer() => new((path, _) => path switch
    {
        "/win" => new HttpReply(200, "winner"),
        "/fail" => new HttpReply(503, "down"),
        _ when path.StartsWith("/lose", StringComparison.Ordinal) => new HttpReply(200, "late", Timeouts.Short),
        _ => _release.Wait(Timeouts.Short) ? new HttpReply(200, "late") : new HttpReply(504, "never released"),
    });

    private static IEnumerable<Uri> Urls(LoopbackHttpServer server, params string[] paths) => paths.Select(server.Url);

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }

    [Fact]
    public async Task FirstAnswer_OneFastMirror_WinsAndLosersAreCancelled()
    {
        await using var server = RaceServer();
        using var client = new HttpClient();
        var (answer, jobs) = await WhenAny.FirstAnswerAsync(client, Urls(server, "/lose/1", "/win", "/lose/2"), CancellationToken.None)
            .WaitAsync(Timeouts.Short);
        Assert.Equal("winner", answer);
        Assert.Equal([TaskStatus.Canceled, TaskStatus.RanToCompletion, TaskStatus.Canceled], jobs.Select(j => j.Status));
    }

    [Fact]
    public async Task FirstSuccess_FirstJobToFinishFails_RaceGoesOnAndSlowJobIsCancelled()
    {
        var brokenDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<string>>[] jobs =
        [
            _ =>
            {
                brokenDone.SetResult();
                return Task.FromException<string>(new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable));
            },
            async t =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, t);
                return "too late";
            },
            async _ =>
            {
                await brokenDone.Task; // finishes strictly after the broken one
                return "winner";
            },
        ];
        var (answer, started) = await WhenAny.FirstSuccessAsync(jobs, CancellationToken.None).WaitAsync(Timeouts.Short);
        Assert.Equal("winner", answer);
        Assert.Equal([TaskStatus.Faulted, TaskStatus.Canceled, TaskStatus.RanToCompletion], started.Select(j => j.Status));
    }

    [Fact]
    public async Task FirstAnswer_EveryMirrorFails_LastErrorPropagates()
    {
        await using var server = RaceServer();
        using var client = new HttpClient();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            WhenAny.FirstAnswerAsync(client, Urls(server, "/fail", "/fail"), CancellationToken.None).WaitAsync(Timeouts.Short));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task FirstCompletedOnly_Winner_LeavesLosersRunningToCompletion()
    {
        await using var server = RaceServer();
        using var client = new HttpClient();
        var (first, requests) = await WhenAny.FirstCompletedOnlyAsync(client, Urls(server, "/gated/1", "/win", "/gated/2"))
            .WaitAsync(Timeouts.Short);
        Assert.Equal("winner", await first);
        Assert.Equal([false, true, false], requests.Select(r => r.IsCompleted));
        _release.Set(); // nobody cancelled the losers: they get their (unused) answers anyway
        Assert.Equal(["late", "winner", "late"], await Task.WhenAll(requests).WaitAsync(Timeouts.Short));
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task FirstCompletedOnly_PerCallClientDisposed_DisposalCancelsTheLosers()
    {
        await using var server = RaceServer();
        IReadOnlyList<Task<string>> requests;
        using (var client = new HttpClient()) // the article's using block around WhenAny
        {
            (_, requests) = await WhenAny.FirstCompletedOnlyAsync(client, Urls(server, "/lose/1", "/win", "/lose/2"))
                .WaitAsync(Timeouts.Short);
        }
        await ((Task)Task.WhenAll(requests)).WaitAsync(Timeouts.Short).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.Equal([TaskStatus.Canceled, TaskStatus.RanToCompletion, TaskStatus.Canceled], requests.Select(r => r.Status));
    }

    [Fact]
    public async Task FirstCompletedOnly_FastFailure_ReturnsTheFailedTask()
    {
        await using var server = RaceServer();
        using var client = new HttpClient();
        var (first, requests) = await WhenAny.FirstCompletedOnlyAsync(client, Urls(server, "/fail", "/gated/1"))
            .WaitAsync(Timeouts.Short);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => first);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        _release.Set();
        await Task.WhenAll(requests.Skip(1)).WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Run_CancelsLosersAndShowsArticleStyle()
    {
        var text = await Ctx.RunAsync(WhenAny.RunAsync);
        // Which mirror is fastest is timing (5 ms apart here); the gated tests above pin the semantics down.
        Assert.Matches(@"first answer: 'mirror \d'", text);
        Assert.Matches(@"all requests: \[(cancelled|'mirror \d'|HttpRequestException 503)(, (cancelled|'mirror \d'|HttpRequestException 503)){3}\]", text);
        Assert.Contains("...and finish anyway, unused", text, StringComparison.Ordinal);
    }
}

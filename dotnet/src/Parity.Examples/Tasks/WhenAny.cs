using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tasks;

/// <summary>
/// task.when-any: ask several equivalent endpoints at once, keep the first answer, cancel the rest.
/// Task.WhenAny returns the first task to finish and does nothing to the others. The article
/// stops there, so the losing downloads run on after the winner is used (its per-call HttpClient
/// happened to cancel them when disposed; a shared client does not). Here every request gets a
/// token from one linked CancellationTokenSource, cancelled as soon as there is a winner, and the
/// losers are awaited so nothing outlives the call. A mirror that fails does not win.
/// </summary>
[Concept("task.when-any")]
public static class WhenAny
{
    // <first-answer>
    /// <summary>The first successful result; every other job is cancelled and awaited before
    /// returning.</summary>
    public static async Task<(T Result, IReadOnlyList<Task<T>> Jobs)> FirstSuccessAsync<T>(
        IEnumerable<Func<CancellationToken, Task<T>>> jobs, CancellationToken cancellationToken)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = jobs.Select(job => job(losers.Token)).ToList();
        var pending = started.ToList();
        try
        {
            while (true)
            {
                var first = await Task.WhenAny(pending);
                pending.Remove(first);
                if (first.IsCompletedSuccessfully || pending.Count == 0)
                {
                    return (await first, started); // the last failure, if all failed, is the caller's
                }
            }
        }
        finally
        {
            await losers.CancelAsync();
            // Let the cancellations land (without rethrowing them), so no request outlives this call.
            await ((Task)Task.WhenAll(pending)).WaitAsync(Timeouts.Short, CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Asks every mirror; the first good answer wins, the other requests are
    /// cancelled.</summary>
    public static Task<(string Result, IReadOnlyList<Task<string>> Jobs)> FirstAnswerAsync(
        HttpClient client, IEnumerable<Uri> urls, CancellationToken token)
    {
        Func<Uri, Func<CancellationToken, Task<string>>> get = u => t => client.GetStringAsync(u, t);
        return FirstSuccessAsync(urls.Select(get), token);
    }
    // </first-answer>

    // <first-completed-only>
    /// <summary>The article's shape: the first task to finish (even a failed one); the others
    /// keep running.</summary>
    public static async Task<(Task<string> First, IReadOnlyList<Task<string>> Requests)>
        FirstCompletedOnlyAsync(HttpClient client, IEnumerable<Uri> urls)
    {
        var requests = urls.Select(url => client.GetStringAsync(url)).ToList();
        return (await Task.WhenAny(requests), requests);
    }
    // </first-completed-only>

    /// <summary>/mirror/N answers after N tenths of a second (scaled); /broken/N answers 503 after N tenths.</summary>
    public static Func<string, int, HttpReply> Mirror(ConceptContext ctx) => (path, _) =>
    {
        var parts = path.Split('/');
        var tenths = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        return new HttpReply(parts[1] == "mirror" ? 200 : 503, $"{parts[1]} {tenths}", ctx.Seconds(tenths / 10.0));
    };

    public static string Outcome(Task<string> task) => task.Status switch
    {
        TaskStatus.RanToCompletion => $"'{task.Result}'",
        TaskStatus.Canceled => "cancelled",
        TaskStatus.Faulted when task.Exception!.InnerException is HttpRequestException http => $"HttpRequestException {(int?)http.StatusCode}",
        TaskStatus.Faulted => task.Exception!.InnerException!.GetType().Name,
        _ => "still running",
    };

    private static readonly string[] Paths = ["/mirror/4", "/broken/0", "/mirror/1", "/mirror/6"];

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        await using var server = new LoopbackHttpServer(Mirror(ctx));
        using var client = new HttpClient { Timeout = Timeouts.Short };
        var urls = Paths.Select(server.Url).ToList();
        // Warm up: the first request pays for JIT and the first connection.
        await client.GetStringAsync(server.Url("/mirror/0"), ctx.CancellationToken);

        var stopwatch = Stopwatch.StartNew();
        var (answer, jobs) = await FirstAnswerAsync(client, urls, ctx.CancellationToken);
        ctx.Out.WriteLine($"first answer: '{answer}' after {stopwatch.Elapsed.TotalSeconds:F2} s "
            + "(the broken mirror did not win)");
        ctx.Out.WriteLine($"  all requests: [{string.Join(", ", jobs.Select(Outcome))}]");

        var (first, requests) = await FirstCompletedOnlyAsync(client, urls);
        var running = requests.Where(r => !r.IsCompleted).ToList();
        ctx.Out.WriteLine(
            $"article style: first done is {Outcome(first)}; {running.Count} request(s) still run");
        await ((Task)Task.WhenAll(running)).WaitAsync(Timeouts.Short, ctx.CancellationToken)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var late = string.Join(", ", running.Select(Outcome));
        ctx.Out.WriteLine($"  ...and finish anyway, unused: [{late}]");
    }
    // </run>
}

using System.Diagnostics;
using System.Globalization;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Plinq;

/// <summary>
/// plinq.cancellation: WithCancellation(token) stops a long PLINQ query, which then throws
/// OperationCanceledException. Cancellation is cooperative: PLINQ polls the token between
/// elements, and nothing else stops the query. Giving up the wait (a timeout on the Task that
/// runs it) does NOT stop it: the query keeps burning CPU until its token is cancelled.
/// </summary>
[Concept("plinq.cancellation")]
public static class Cancellation
{
    /// <summary>Enough elements to keep two cores busy for many minutes.</summary>
    public const int Elements = int.MaxValue;

    /// <summary>A little CPU work per element (a few microseconds).</summary>
    public static double Work(int x) => Enumerable.Range(1, 200).Sum(k => Math.Sqrt(x + k));

    // <with-cancellation>
    /// <summary>A query that would run for minutes; only the token ends it early.</summary>
    public static double LongQuery(CancellationToken token, Action? onElement = null) =>
        ParallelEnumerable.Range(0, Elements)
            .WithCancellation(token)
            .Select(x =>
            {
                onElement?.Invoke();
                return Work(x);
            })
            .Sum();

    /// <summary>What CancelAfterAsync saw: the exception, when the token fired, when the query
    /// ended.</summary>
    public sealed record CancelOutcome(
        OperationCanceledException Error, TimeSpan TokenFired, TimeSpan QueryEnded);

    /// <summary>Runs LongQuery, cancels its token after <paramref name="after"/>, returns what it
    /// threw. If our wait gives up first (<paramref name="patience"/>, TimeoutException), the
    /// query is cancelled too: giving up the wait alone would leave it burning every core.</summary>
    public static async Task<CancelOutcome> CancelAfterAsync(TimeSpan after,
        TimeSpan? patience = null, Action? onElement = null, CancellationToken outer = default)
    {
        var watch = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        TaskCompletionSource<TimeSpan> fired = new(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cts.Token.Register(() => fired.TrySetResult(watch.Elapsed));
        cts.CancelAfter(after);
        // Its own thread: on the pool beside PLINQ's partitions, CancelAfter's timer would wait.
        var token = cts.Token;
        var query = Task.Factory.StartNew(() => LongQuery(token, onElement), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await query.WaitAsync(patience ?? Timeouts.Long, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            var ended = watch.Elapsed;
            // The query may see the cancelled token a moment before our callback has run.
            var firedAt = await fired.Task.WaitAsync(Timeouts.Short, CancellationToken.None)
                .ConfigureAwait(false);
            return new CancelOutcome(ex, firedAt, ended);
        }
        finally
        {
            await StopAsync(cts, query).ConfigureAwait(false);
        }
        throw new InvalidOperationException("The query finished although it was cancelled.");
    }

    /// <summary>Only the token stops a query: cancel it, then wait (bounded) for its end.</summary>
    private static async Task StopAsync(CancellationTokenSource cts, Task query)
    {
        await cts.CancelAsync().ConfigureAwait(false);
        await query.WaitAsync(Timeouts.Short, CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
    // </with-cancellation>

    // <timeout-is-not-cancellation>
    /// <summary>Awaits the query with a timeout but no token: the wait ends with TimeoutException,
    /// and the query keeps processing elements. Returns how many it processed after the timeout.
    /// </summary>
    public static async Task<long> ElementsProcessedAfterTimeoutAsync(
        TimeSpan timeout, CancellationToken cleanup = default)
    {
        long processed = 0, threshold = long.MaxValue;
        var wentOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnElement()
        {
            if (Interlocked.Increment(ref processed) >= Interlocked.Read(ref threshold))
            {
                wentOn.TrySetResult();
            }
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cleanup);
        var token = cts.Token;
        var query = Task.Factory.StartNew(() => LongQuery(token, OnElement), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            try
            {
                await query.WaitAsync(timeout, cleanup).ConfigureAwait(false);
                throw new InvalidOperationException("The query finished before the timeout.");
            }
            catch (TimeoutException)
            {
                // We stopped waiting; the query did not stop.
            }
            var atTimeout = Interlocked.Read(ref processed);
            // Watch it process another 1000 elements (bounded wait: at most 10 s).
            Interlocked.Exchange(ref threshold, atTimeout + 1_000);
            await wentOn.Task.WaitAsync(Timeouts.Short, cleanup)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Interlocked.Read(ref processed) - atTimeout;
        }
        finally
        {
            await StopAsync(cts, query).ConfigureAwait(false); // only the token really stops it
        }
    }
    // </timeout-is-not-cancellation>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        // The article's Task example cancels a 5 s job after 3 s; this query would take minutes.
        var after = ctx.Seconds(3);
        var token = ctx.CancellationToken;
        var outcome = await CancelAfterAsync(after, outer: token).ConfigureAwait(false);
        var (error, seconds) = (outcome.Error, after.TotalSeconds);
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CancelAfter({seconds:0.###} s): {error.GetType().Name}: {error.Message}"));
        var (fired, ended) = (outcome.TokenFired.TotalSeconds, outcome.QueryEnded.TotalSeconds);
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  token fired at {fired:0.000} s, query ended at {ended:0.000} s"));

        var more = await ElementsProcessedAfterTimeoutAsync(ctx.Seconds(1), token)
            .ConfigureAwait(false);
        var went = more > 1_000 ? "more than 1000" : more.ToString(CultureInfo.InvariantCulture);
        ctx.Out.WriteLine($"WaitAsync timed out after {ctx.Seconds(1).TotalSeconds:0.###} s, "
            + $"yet the query went on: {went} elements after the timeout, "
            + "until its token was cancelled");
    }
    // </run>
}

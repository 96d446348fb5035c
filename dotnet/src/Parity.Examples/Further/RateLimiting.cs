using System.Diagnostics;
using System.Threading.RateLimiting;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>further.rate-limiting: a token bucket allows a burst, then one request per token
/// replenished; a fixed window, N per window; a sliding window returns a segment's permits when it
/// slides out; a concurrency limiter caps requests in flight (a lease is a permit until disposed).
/// Without AutoReplenishment, TryReplenish() moves a time limiter only once a full period has
/// passed (a bucket adds tokens in proportion to the time since its last call): the options take no
/// clock, so tests wait a period. Here they guard HttpClient calls to a loopback server.</summary>
[Concept("further.rate-limiting")]
public static class RateLimiting
{
    // <limiters>
    public static TokenBucketRateLimiter TokenBucket(int burst, TimeSpan period, bool auto = true,
        int queue = 0) => new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            AutoReplenishment = auto,
            QueueLimit = queue,
        });

    public static FixedWindowRateLimiter FixedWindow(int permits, TimeSpan window,
        bool auto = true) => new(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            AutoReplenishment = auto,
        });

    public static SlidingWindowRateLimiter SlidingWindow(int permits, TimeSpan window, int segments,
        bool auto = true) => new(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = segments,
            AutoReplenishment = auto,
        });

    public static ConcurrencyLimiter Concurrency(int permits, int queue) =>
        new(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = queue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

    /// <summary>One permit per '+' step, no waiting: '+' acquired, '-' rejected. '|' waits at least
    /// one replenishment period, then calls TryReplenish; '!' calls it at once.</summary>
    public static async Task<string> DecisionsAsync(ReplenishingRateLimiter limiter, string steps)
    {
        var decisions = new System.Text.StringBuilder();
        foreach (var step in steps)
        {
            if (step is not ('|' or '!'))
            {
                using var lease = limiter.AttemptAcquire();
                decisions.Append(lease.IsAcquired ? '+' : '-');
                continue;
            }
            if (step == '|')
            {
                await AtLeastAsync(limiter.ReplenishmentPeriod).ConfigureAwait(false);
            }
            limiter.TryReplenish(); // moves the limiter only if a full period has really passed
            decisions.Append(step);
        }
        return decisions.ToString();
    }

    /// <summary>Waits <paramref name="span"/> or more by the Stopwatch (timers fire early).</summary>
    private static async Task AtLeastAsync(TimeSpan span)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed <= span)
        {
            await Task.Delay(span - watch.Elapsed + TimeSpan.FromMilliseconds(1)).ConfigureAwait(false);
        }
    }
    // </limiters>

    // <http>
    public sealed record Outcome(int Ok, int Rejected, int PeakInFlight, TimeSpan Elapsed);

    /// <summary>Sends <paramref name="count"/> GETs at once, each waiting for a lease first.</summary>
    public static async Task<Outcome> GetThroughAsync(
        RateLimiter limiter, HttpClient client, Uri url, int count, CancellationToken token)
    {
        var (ok, rejected) = (0, 0);
        var inFlight = new ConcurrencyMeter("GET in flight");
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            using var lease = await limiter.AcquireAsync(1, token).ConfigureAwait(false); // may queue
            if (!lease.IsAcquired)
            {
                Interlocked.Increment(ref rejected);
                return;
            }
            await inFlight.MeasureAsync(() => client.GetStringAsync(url, token)).ConfigureAwait(false);
            Interlocked.Increment(ref ok);
        })).ConfigureAwait(false);
        return new Outcome(ok, rejected, inFlight.Max, watch.Elapsed);
    }
    // </http>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var (tick, hour, delay) = (ctx.Seconds(0.2), TimeSpan.FromHours(1), ctx.Seconds(0.1));
        ctx.Out.WriteLine("('+' acquired, '-' rejected, "
            + "'|' one period passes then TryReplenish, '!' TryReplenish at once)");
        ctx.Out.WriteLine("token bucket, burst 3, 1 per period:  " + await DecisionsAsync(
            TokenBucket(3, tick, auto: false), "++++|+").ConfigureAwait(false));
        ctx.Out.WriteLine("fixed window, 2 per window:           " + await DecisionsAsync(
            FixedWindow(2, tick, auto: false), "+++|+++").ConfigureAwait(false));
        ctx.Out.WriteLine("sliding window, 4 in 2 segments:      " + await DecisionsAsync(
            SlidingWindow(4, tick * 2, 2, auto: false), "+++|++|++++").ConfigureAwait(false));
        ctx.Out.WriteLine("1-hour limiters, TryReplenish at once: bucket " + await DecisionsAsync(
            TokenBucket(1, hour, auto: false), "++!+").ConfigureAwait(false) + ", window "
            + await DecisionsAsync(FixedWindow(1, hour, auto: false), "++!+").ConfigureAwait(false));

        await using var server = new LoopbackHttpServer(
            (path, n) => new HttpReply(200, $"reply {n}", path == "/item" ? delay : TimeSpan.Zero));
        using var client = new HttpClient();
        var (url, fast, token) = (server.Url("/item"), server.Url("/fast"), ctx.CancellationToken);
        using var roomy = Concurrency(permits: 2, queue: 10);
        var outcome = await GetThroughAsync(roomy, client, url, 10, token).ConfigureAwait(false);
        ctx.Out.WriteLine($"concurrency limiter (2, queue 10), 10 GETs: {outcome.Ok} ok, "
            + $"{outcome.Rejected} rejected, at most {outcome.PeakInFlight} in flight");
        using var cramped = Concurrency(permits: 2, queue: 3);
        outcome = await GetThroughAsync(cramped, client, url, 10, token).ConfigureAwait(false);
        ctx.Out.WriteLine($"concurrency limiter (2, queue 3),  10 GETs: {outcome.Ok} ok, "
            + $"{outcome.Rejected} rejected at once (queue full)");
        var period = ctx.Seconds(0.5);
        using var bucket = TokenBucket(burst: 2, period, queue: 10);
        outcome = await GetThroughAsync(bucket, client, fast, 10, token).ConfigureAwait(false);
        // 2 at once, then one per period: 8 periods for the other 8.
        var achieved = (outcome.Ok - 2) / outcome.Elapsed.TotalSeconds;
        ctx.Out.WriteLine(
            $"token bucket (burst 2, 1 per {period.TotalSeconds:0.###} s), 10 GETs: "
            + $"{outcome.Ok} ok in {outcome.Elapsed.TotalSeconds:0.00} s; after the burst "
            + $"{achieved:0.0}/s against {1 / period.TotalSeconds:0.0}/s configured");
    }
    // </run>
}

using System.Runtime.InteropServices;
using System.Threading.RateLimiting;
using Parity.Examples.Infrastructure;
using RL = Parity.Examples.Further.RateLimiting;

namespace Parity.Examples.Tests.Further;

public sealed class RateLimitingTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task TokenBucket_Burst3_RejectsTheFourthAndRefillsAfterAPeriod()
    {
        using var bucket = RL.TokenBucket(3, Tick, auto: false);
        Assert.Equal("+++-|+", await RL.DecisionsAsync(bucket, "++++|+").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task FixedWindow_TwoPerWindow_ResetsAfterAWindow()
    {
        using var window = RL.FixedWindow(2, Tick, auto: false);
        Assert.Equal("++-|++-", await RL.DecisionsAsync(window, "+++|+++").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task SlidingWindow_FourInTwoSegments_ReturnsPermitsWhenTheirSegmentSlidesOut()
    {
        using var window = RL.SlidingWindow(4, Tick * 2, 2, auto: false);
        // 3 in segment A; 1 in B (4 used); A slides out and its 3 come back.
        Assert.Equal("+++|+-|+++-", await RL.DecisionsAsync(window, "+++|++|++++").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task TryReplenish_BeforeAPeriodHasPassed_ChangesNothing()
    {
        using var bucket = RL.TokenBucket(1, Hour, auto: false);
        using var window = RL.FixedWindow(1, Hour, auto: false);
        Assert.Equal("+-!-", await RL.DecisionsAsync(bucket, "++!+"));
        Assert.Equal("+-!-", await RL.DecisionsAsync(window, "++!+"));
    }

    [Fact]
    public async Task ConcurrencyLimiter_TwoPermits_ThirdWaitsUntilALeaseIsDisposed()
    {
        using var limiter = RL.Concurrency(permits: 2, queue: 1);
        using var first = await limiter.AcquireAsync();
        using var second = await limiter.AcquireAsync();
        var third = limiter.AcquireAsync();
        Assert.False(third.IsCompleted);
        using var fourth = await limiter.AcquireAsync(); // queue of one is full: rejected at once
        Assert.False(fourth.IsAcquired);
        first.Dispose();
        using var lease = await third.AsTask().WaitAsync(Timeouts.Short);
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task HttpThroughConcurrencyLimiter_TenRequests_AllOkAtMostTwoInFlight()
    {
        await using var server = new LoopbackHttpServer((_, n) => new HttpReply(200, $"{n}", TimeSpan.FromMilliseconds(5)));
        using var client = new HttpClient();
        using var limiter = RL.Concurrency(permits: 2, queue: 10);
        var outcome = await RL.GetThroughAsync(limiter, client, server.Url("/x"), 10, CancellationToken.None).WaitAsync(Timeouts.Short);
        Assert.Equal(10, outcome.Ok);
        Assert.Equal(0, outcome.Rejected);
        Assert.InRange(outcome.PeakInFlight, 1, 2);
        Assert.Equal(10, server.RequestCount);
    }

    [Fact]
    public void RateLimiting_OnNet10_ComesFromAPackageNotTheCoreSharedFramework()
    {
        var assembly = typeof(RateLimiter).Assembly;
        Assert.Equal("System.Threading.RateLimiting", assembly.GetName().Name);
        Assert.False(assembly.Location.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), StringComparison.Ordinal));
        Assert.DoesNotContain(typeof(TokenBucketRateLimiterOptions).GetProperties(), p => p.PropertyType == typeof(TimeProvider));
    }
}

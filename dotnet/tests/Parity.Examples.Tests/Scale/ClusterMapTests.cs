using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parity.Examples.Scale;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

public sealed class ClusterMapTests
{
    [Fact]
    public async Task Map_LocalhostSilo_ReturnsEverySquareInInputOrder()
    {
        using var host = await ClusterMap.StartSiloAsync(null, CancellationToken.None);
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        var squares = await ClusterMap.MapAsync(grains, Enumerable.Range(0, 50).Select(i => (long)i));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i * i), squares);
        await host.StopAsync();
    }

    [Fact]
    public async Task StatelessWorker_TwoCallsAtOnce_AreInsideTogether()
    {
        using var host = await ClusterMap.StartSiloAsync(null, CancellationToken.None);
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISquareGrain>(0);
        var gate = Guid.NewGuid().ToString("N");
        ClusterMap.Gates.Create(gate, 2); // opens only when two calls are inside at the same time

        var both = await Task.WhenAll(grain.SquareWhenAsync(3, gate), grain.SquareWhenAsync(4, gate)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([9L, 16L], both);
        await host.StopAsync();
    }

    [Fact]
    public async Task RegularGrain_ManyCallsAtOnce_RunOneAtATime()
    {
        using var host = await ClusterMap.StartSiloAsync(null, CancellationToken.None);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var regular = Guid.NewGuid().ToString("N");
        var stateless = Guid.NewGuid().ToString("N");

        var a = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grains.GetGrain<ISingleSquareGrain>(0).SquareTrackedAsync(i, regular)));
        var b = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grains.GetGrain<ISquareGrain>(0).SquareTrackedAsync(i, stateless)));

        Assert.Equal(a, b);
        Assert.Equal(1, ClusterMap.Gates.MaxOverlap(regular)); // turn-based: the next call waits for the last to finish
        Assert.InRange(ClusterMap.Gates.MaxOverlap(stateless), 1, 20);
        await host.StopAsync();
    }

    [SkippableFact]
    public async Task RedisClustering_Silo_WritesItsMembershipToRedis()
    {
        await using var redis = await RedisForTest.StartAsync();

        using var host = await ClusterMap.StartSiloAsync(redis.Address, CancellationToken.None);
        var squares = await ClusterMap.MapAsync(host.Services.GetRequiredService<IGrainFactory>(), [2, 3]);

        Assert.Equal([4L, 9L], squares);
        var server = redis.Connection.GetServers()[0];
        var keys = server.Keys(pattern: "*/members/*").Select(k => k.ToString()).ToList();
        Assert.Equal(["parity-scale/members/parity"], keys); // the membership table: service id, cluster id
        await host.StopAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parity.Examples.Infrastructure;
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
        GrainGates.Create(gate, 2); // opens only when two calls are inside at the same time

        var both = await Task.WhenAll(grain.SquareWhenAsync(3, gate), grain.SquareWhenAsync(4, gate)).WaitAsync(Timeouts.Short);

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
        Assert.Equal(1, GrainGates.MaxOverlap(regular)); // turn-based: the next call waits for the last to finish
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

    [SkippableFact]
    public async Task SpreadMap_TwoSilosInTwoProcesses_RunsOnBoth()
    {
        await using var cluster = await TwoSilos.StartAsync();

        var placed = await ClusterMap.SpreadMapAsync(cluster.Grains, Enumerable.Range(0, 32).Select(i => (long)i));

        Assert.Equal(Enumerable.Range(0, 32).Select(i => (long)i * i), placed.Select(p => p.Square));
        Assert.Equal(new[] { cluster.Local, cluster.Remote }.Order(), placed.Select(p => p.Silo).Distinct().Order());
    }

    [SkippableFact]
    public async Task StatelessWorker_TwoSilos_EveryCallStaysOnTheCallingSilo()
    {
        await using var cluster = await TwoSilos.StartAsync();
        var worker = cluster.Grains.GetGrain<ISquareGrain>(0);

        var silos = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => worker.SiloAsync()));

        Assert.All(silos, silo => Assert.Equal(cluster.Local, silo)); // the other silo never gets one
    }

    [SkippableFact]
    public async Task SpreadMap_SiloKilledMidMap_ItsCallsFailAndTheOthersComplete()
    {
        await using var cluster = await TwoSilos.StartAsync();
        const int n = 16;
        var watcher = new Watcher(n);
        var reference = cluster.Grains.CreateObjectReference<IMapWatcher>(watcher);
        var gate = Guid.NewGuid().ToString("N");
        var calls = Enumerable.Range(0, n)
            .Select(x => cluster.Grains.GetGrain<ISpreadSquareGrain>(x).SquareHeldAsync(x, reference, gate))
            .ToArray();
        await watcher.AllInside.WaitAsync(Timeouts.Long); // every call is inside a grain, on one silo or the other
        var onRemote = watcher.Silos.Where(kv => kv.Value == cluster.Remote).Select(kv => kv.Key).Order().ToArray();
        Assert.NotEmpty(onRemote);

        await cluster.KillRemoteAsync(); // mid-map: its calls are inside grains that will never answer
        GrainGates.Open(gate); // the local silo's calls may finish now

        var outcomes = new Dictionary<long, object>();
        for (var x = 0; x < n; x++)
        {
            try
            {
                outcomes[x] = (await calls[x].WaitAsync(Timeouts.Long)).Square;
            }
            catch (Exception ex) when (ex is not TimeoutException)
            {
                outcomes[x] = ex.GetType().Name;
            }
        }
        var failed = outcomes.Where(kv => kv.Value is string).Select(kv => kv.Key).Order().ToArray();
        Assert.Equal(onRemote, failed); // exactly the calls held by the dead silo fail
        Assert.All(outcomes.Where(kv => kv.Value is string), kv => Assert.Equal("SiloUnavailableException", kv.Value));
        Assert.All(outcomes.Where(kv => kv.Value is long), kv => Assert.Equal(kv.Key * kv.Key, kv.Value));
        await Assert.ThrowsAnyAsync<Exception>(() => Task.WhenAll(calls)); // the map as a whole fails
    }

    private sealed class Watcher(int expected) : IMapWatcher
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentDictionary<long, string> Silos { get; } = new();

        public Task AllInside => _all.Task;

        public Task EnteredAsync(long x, string silo)
        {
            Silos[x] = silo;
            if (Silos.Count == expected)
            {
                _all.TrySetResult();
            }
            return Task.CompletedTask;
        }
    }
}

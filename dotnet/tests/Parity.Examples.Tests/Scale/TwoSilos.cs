using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Parity.Examples.Infrastructure;
using Parity.Examples.Scale;

namespace Parity.Examples.Tests.Scale;

/// <summary>
/// A cluster of two silos in two processes sharing Redis membership: one hosted here, one in a
/// child copy of the program (<c>child scale.cluster-map silo</c>), which disposing kills.
/// </summary>
public sealed class TwoSilos : IAsyncDisposable
{
    private readonly RedisForTest _redis;
    private readonly IHost _local;
    private readonly ChildProcess _remote;

    private TwoSilos(RedisForTest redis, IHost local, ChildProcess remote, string localId, string remoteId)
    {
        (_redis, _local, _remote, Local, Remote) = (redis, local, remote, localId, remoteId);
    }

    public IGrainFactory Grains => _local.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silos' runtime identities (what a grain's RuntimeIdentity says).</summary>
    public string Local { get; }

    public string Remote { get; }

    public static async Task<TwoSilos> StartAsync()
    {
        var redis = await RedisForTest.StartAsync();
        var local = await ClusterMap.StartSiloAsync(redis.Address, CancellationToken.None);
        var remote = ChildProcess.Start("scale.cluster-map", ["silo"],
            new Dictionary<string, string>
            {
                [RedisAddress.UrlVariable] = redis.Address.WithoutPassword(),
                [RedisAddress.PasswordVariable] = redis.Address.Password ?? "",
            });
        var self = local.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var management = local.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        using var deadline = new CancellationTokenSource(Timeouts.Long);
        while (true)
        {
            // The child writes its row in Redis; this silo reads the table and lists it as active.
            var hosts = await management.GetHosts(onlyActive: true).WaitAsync(deadline.Token);
            if (hosts.Keys.FirstOrDefault(s => !s.Equals(self)) is { } other)
            {
                await PlacementKnowsAsync(local.Services.GetRequiredService<IGrainFactory>(), other.ToString(), deadline.Token);
                return new TwoSilos(redis, local, remote, self.ToString(), other.ToString());
            }
            Assert.False(remote.Process.HasExited, "the second silo's process ended before it joined");
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    /// <summary>
    /// Placement learns of a silo from the cluster manifest a moment after the membership table
    /// lists it (under load, long enough for 32 random placements to land on this silo alone):
    /// place fresh grains, keys apart from any test's, until one lands on the other silo.
    /// </summary>
    private static async Task PlacementKnowsAsync(IGrainFactory grains, string other, CancellationToken token)
    {
        for (var probe = -1L; ; probe--)
        {
            var placed = await grains.GetGrain<ISpreadSquareGrain>(probe).SquareAsync(probe).WaitAsync(token);
            if (placed.Silo == other)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), token);
        }
    }

    public Task KillRemoteAsync() => _remote.KillAsync();

    public async ValueTask DisposeAsync()
    {
        await _remote.DisposeAsync();
        await _local.StopAsync(CancellationToken.None).WaitAsync(Timeouts.Long);
        _local.Dispose();
        await _redis.DisposeAsync();
    }
}

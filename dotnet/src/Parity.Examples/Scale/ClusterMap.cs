using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Configuration;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Scale;

// <grains>
/// <summary>The map's work: square a number. Any silo may run it.</summary>
public interface ISquareGrain : IGrainWithIntegerKey
{
    Task<long> SquareAsync(long x);

    /// <summary>For the tests: wait inside the grain until <paramref name="gate"/> opens.</summary>
    Task<long> SquareWhenAsync(long x, string gate);

    /// <summary>For the tests: square, yielding once, while a named counter tracks how many calls overlap.</summary>
    Task<long> SquareTrackedAsync(long x, string tracker);
}

/// <summary>What both grains below do; they differ only in how the runtime schedules them.</summary>
public abstract class SquareGrainBase : Grain, ISquareGrain
{
    public Task<long> SquareAsync(long x) => Task.FromResult(x * x);

    public async Task<long> SquareWhenAsync(long x, string gate)
    {
        await ClusterMap.Gates.Enter(gate).ConfigureAwait(true);
        return x * x;
    }

    public Task<long> SquareTrackedAsync(long x, string tracker) => ClusterMap.Gates.TrackAsync(tracker, x);
}

/// <summary>A stateless worker: the runtime keeps several activations per silo and spreads calls
/// over them, so calls run in parallel (a regular grain runs one call at a time).</summary>
[StatelessWorker]
public sealed class SquareGrain : SquareGrainBase;

/// <summary>The same work in a regular grain: one activation, one call at a time.</summary>
public interface ISingleSquareGrain : ISquareGrain;

public sealed class SingleSquareGrain : SquareGrainBase, ISingleSquareGrain;
// </grains>

/// <summary>
/// scale.cluster-map, .NET: pool.map-imap's workload on Orleans. A silo hosts grains; a stateless
/// worker grain is the Pool worker (several activations per silo, placed on any silo). Embedded
/// default: one silo on loopback with localhost clustering. PARITY_ORLEANS_CLUSTERING=redis puts the
/// membership table in Redis (PARITY_REDIS_URL, else a private redis-server), which is how silos on
/// other machines join the same cluster.
/// </summary>
[Concept("scale.cluster-map")]
public static class ClusterMap
{
    public const string ClusteringVariable = "PARITY_ORLEANS_CLUSTERING";

    /// <summary>Named barriers the test grains wait on: a gate opens once <c>Count</c> calls are inside.</summary>
    public static class Gates
    {
        private static readonly Dictionary<string, (int Needed, int Inside, TaskCompletionSource Open)> All = [];

        public static void Create(string name, int needed)
        {
            lock (All)
            {
                All[name] = (needed, 0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }
        }

        public static Task Enter(string name)
        {
            lock (All)
            {
                var (needed, inside, open) = All[name];
                All[name] = (needed, inside + 1, open);
                if (inside + 1 >= needed)
                {
                    open.TrySetResult();
                }
                return open.Task.WaitAsync(Timeouts.Short);
            }
        }

        private static readonly Dictionary<string, (int Now, int Max)> Trackers = [];

        /// <summary>The most calls that were inside <paramref name="name"/>'s tracked section at once.</summary>
        public static int MaxOverlap(string name)
        {
            lock (Trackers)
            {
                return Trackers.GetValueOrDefault(name).Max;
            }
        }

        public static async Task<long> TrackAsync(string name, long x)
        {
            lock (Trackers)
            {
                var (now, max) = Trackers.GetValueOrDefault(name);
                Trackers[name] = (now + 1, Math.Max(max, now + 1));
            }
            await Task.Delay(5).ConfigureAwait(true); // yield: another call could run now, if the grain allowed it
            lock (Trackers)
            {
                var (now, max) = Trackers[name];
                Trackers[name] = (now - 1, max);
            }
            return x * x;
        }
    }

    // <silo>
    /// <summary>Starts one silo on loopback, its ports picked free; Redis clustering when an address is given.</summary>
    public static async Task<IHost> StartSiloAsync(RedisAddress? redis, CancellationToken token)
    {
        // An absolute content root: under the Python bridge AppContext.BaseDirectory is not one.
        var root = Path.GetDirectoryName(typeof(ClusterMap).Assembly.Location) ?? Environment.CurrentDirectory;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = root });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            if (redis is null)
            {
                silo.UseLocalhostClustering(FreePort(), FreePort());
            }
            else
            {
                silo.UseRedisClustering(options => options.ConfigurationOptions = redis.Options());
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("parity", "parity-scale"));
                silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort(), listenOnAnyHostAddress: false);
            }
        });
        var host = builder.Build();
        await host.StartAsync(token).ConfigureAwait(false);
        return host;
    }
    // </silo>

    // <map>
    /// <summary>Pool.map: one call per input, all in flight at once; WhenAll keeps the input order.</summary>
    public static async Task<long[]> MapAsync(IGrainFactory grains, IEnumerable<long> xs)
    {
        var worker = grains.GetGrain<ISquareGrain>(0); // one reference; the runtime picks activations
        return await Task.WhenAll(xs.Select(worker.SquareAsync)).ConfigureAwait(false);
    }
    // </map>

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        var useRedis = string.Equals(Environment.GetEnvironmentVariable(ClusteringVariable), "redis", StringComparison.OrdinalIgnoreCase);
        PrivateRedisServer? server = null;
        RedisAddress? redis = null;
        if (useRedis)
        {
            (redis, server) = await PrivateRedisServer.UrlOrPrivateAsync(ctx.CancellationToken).ConfigureAwait(false);
        }
        try
        {
            using var host = await StartSiloAsync(redis, ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine(redis is null
                ? "silo: one Orleans silo on 127.0.0.1, localhost clustering (PARITY_ORLEANS_CLUSTERING=redis to span machines)"
                : $"silo: one Orleans silo on 127.0.0.1, membership in Redis at {redis.Redacted()}");
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var squares = await MapAsync(grains, Enumerable.Range(0, 10).Select(i => (long)i)).ConfigureAwait(false);
            ctx.Out.WriteLine($"map, Task.WhenAll (input order): [{string.Join(", ", squares)}]");
            await host.StopAsync(ctx.CancellationToken).ConfigureAwait(false);
            ctx.Out.WriteLine("silo stopped");
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

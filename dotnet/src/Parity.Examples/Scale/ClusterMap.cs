using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Configuration;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Scale;

// <grains>
/// <summary>The map's work: square a number. (The probes are the tests' questions to it.)</summary>
public interface ISquareGrain : ISquareProbe
{
    Task<long> SquareAsync(long x);
}

/// <summary>What both grains below do; they differ only in how the runtime runs them.</summary>
public abstract class SquareGrainBase : SquareProbeGrain, ISquareGrain
{
    public Task<long> SquareAsync(long x) => Task.FromResult(x * x);
}

/// <summary>A stateless worker: activations on the calling silo run calls in parallel.</summary>
[StatelessWorker]
public sealed class SquareGrain : SquareGrainBase;

/// <summary>The same work in a regular grain: one activation, one call at a time.</summary>
public interface ISingleSquareGrain : ISquareGrain;

public sealed class SingleSquareGrain : SquareGrainBase, ISingleSquareGrain;

/// <summary>A result and the silo that computed it.</summary>
[GenerateSerializer, Immutable]
public sealed record Placed([property: Id(0)] long Square, [property: Id(1)] string Silo);

/// <summary>One grain per input: each key is placed alone, so the map spreads over silos.</summary>
public interface ISpreadSquareGrain : ISpreadProbe
{
    Task<Placed> SquareAsync(long x);
}

[Orleans.Placement.RandomPlacement] // a new activation goes to any compatible silo, ours or not
public sealed class SpreadSquareGrain : SpreadProbeGrain, ISpreadSquareGrain
{
    public Task<Placed> SquareAsync(long x) => Task.FromResult(new Placed(x * x, RuntimeIdentity));
}
// </grains>

/// <summary>
/// scale.cluster-map, .NET: pool.map-imap's workload on Orleans. A stateless worker grain is one
/// silo's Pool (its activations stay on the calling silo); one grain per input spreads over silos.
/// PARITY_ORLEANS_CLUSTERING=redis keeps the membership in Redis, so silos elsewhere can join.
/// </summary>
[Concept("scale.cluster-map")]
public static class ClusterMap
{
    public const string ClusteringVariable = "PARITY_ORLEANS_CLUSTERING";
    /// <summary>The address a clustered silo listens on and advertises to the others (default 127.0.0.1).</summary>
    public const string AddressVariable = "PARITY_ORLEANS_ADDRESS";

    // <silo>
    /// <summary>Starts one silo, its ports picked free; Redis clustering (on AdvertisedAddress)
    /// when given Redis.</summary>
    public static async Task<IHost> StartSiloAsync(RedisAddress? redis, CancellationToken token)
    {
        // An absolute content root: under the Python bridge AppContext.BaseDirectory is not one.
        var root = Path.GetDirectoryName(typeof(ClusterMap).Assembly.Location)
            ?? Environment.CurrentDirectory;
        var builder = new HostApplicationBuilder(
            new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = root });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            if (redis is null)
            {
                silo.UseLocalhostClustering(Ports.Free(), Ports.Free());
            }
            else
            {
                silo.UseRedisClustering(options => options.ConfigurationOptions = redis.Options());
                silo.Configure<ClusterOptions>(
                    o => (o.ClusterId, o.ServiceId) = ("parity", "parity-scale"));
                silo.ConfigureEndpoints(
                    AdvertisedAddress(), Ports.Free(), Ports.Free(), listenOnAnyHostAddress: false);
            }
        });
        var host = builder.Build();
        await host.StartAsync(token).ConfigureAwait(false);
        return host;
    }
    // </silo>

    // <map>
    /// <summary>The same map over one grain per input: Orleans places each on a silo.</summary>
    public static async Task<Placed[]> SpreadMapAsync(IGrainFactory grains, IEnumerable<long> xs) =>
        await Task.WhenAll(xs.Select(x => grains.GetGrain<ISpreadSquareGrain>(x).SquareAsync(x)))
            .ConfigureAwait(false);

    /// <summary>Pool.map: one call per input, all in flight at once, results in input order.</summary>
    public static async Task<long[]> MapAsync(IGrainFactory grains, IEnumerable<long> xs)
    {
        var worker = grains.GetGrain<ISquareGrain>(0); // one reference; the runtime picks activations
        return await Task.WhenAll(xs.Select(worker.SquareAsync)).ConfigureAwait(false);
    }
    // </map>

    /// <summary>PARITY_ORLEANS_ADDRESS, else loopback; a FormatException (one line from the CLI) if not an IP.</summary>
    public static IPAddress AdvertisedAddress() => Environment.GetEnvironmentVariable(AddressVariable) switch
    {
        null or "" => IPAddress.Loopback,
        var raw => IPAddress.TryParse(raw, out var ip) ? ip : throw new FormatException($"{AddressVariable}: '{raw}' is not an IP address"),
    };

    /// <summary>The child entry <c>silo</c> the tests start: a second silo process.</summary>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
        SecondSilo.RunAsync(ctx, args);

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
                : $"silo: one Orleans silo on {AdvertisedAddress()}, membership in Redis at {redis.Redacted()}");
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

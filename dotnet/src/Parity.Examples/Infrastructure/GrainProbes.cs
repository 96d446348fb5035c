using Parity.Examples.Scale;

namespace Parity.Examples.Infrastructure;

/// <summary>Test harness for scale.cluster-map: what a test asks of the lesson's grains besides the map.</summary>
public interface ISquareProbe : IGrainWithIntegerKey
{
    /// <summary>Wait inside the grain until the counted gate <paramref name="gate"/> opens.</summary>
    Task<long> SquareWhenAsync(long x, string gate);

    /// <summary>Square, awaiting once inside, while a named counter tracks how many calls overlap.</summary>
    Task<long> SquareTrackedAsync(long x, string tracker);

    /// <summary>The silo this activation lives on.</summary>
    Task<string> SiloAsync();
}

public abstract class SquareProbeGrain : Grain, ISquareProbe
{
    public async Task<long> SquareWhenAsync(long x, string gate)
    {
        await GrainGates.Enter(gate).ConfigureAwait(true);
        return x * x;
    }

    public Task<long> SquareTrackedAsync(long x, string tracker) => GrainGates.TrackAsync(tracker, x);

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);
}

/// <summary>Told by a grain which silo holds an input.</summary>
public interface IMapWatcher : IGrainObserver
{
    Task EnteredAsync(long x, string silo);
}

public interface ISpreadProbe : IGrainWithIntegerKey
{
    /// <summary>Report to <paramref name="watcher"/>, then wait for a named gate of this process.</summary>
    Task<Placed> SquareHeldAsync(long x, IMapWatcher watcher, string gate);
}

public abstract class SpreadProbeGrain : Grain, ISpreadProbe
{
    public async Task<Placed> SquareHeldAsync(long x, IMapWatcher watcher, string gate)
    {
        await watcher.EnteredAsync(x, RuntimeIdentity).ConfigureAwait(true);
        await GrainGates.WaitOpen(gate).ConfigureAwait(true);
        return new Placed(x * x, RuntimeIdentity);
    }
}

/// <summary>The child entry <c>silo</c>: one more Redis-clustered silo (PARITY_REDIS_URL), until killed.</summary>
public static class SecondSilo
{
    public static async Task<int> RunAsync(ConceptContext ctx, string[] args)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (args is not ["silo"])
        {
            throw new ArgumentException("expected: silo");
        }
        var (redis, _) = await PrivateRedisServer.UrlOrPrivateAsync(ctx.CancellationToken).ConfigureAwait(false);
        using var host = await ClusterMap.StartSiloAsync(redis, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Out.WriteLine("silo started");
        await Task.Delay(Timeouts.Long, ctx.CancellationToken).ConfigureAwait(false); // a bound on its life
        return 0;
    }
}

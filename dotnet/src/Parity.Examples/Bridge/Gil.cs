using System.Diagnostics;

namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.gil: CPU-bound .NET work called from Python. pythonnet releases the GIL around a method
/// call, so Python threads keep running while PLINQ keeps every core busy; a property getter
/// runs with the GIL held.
/// </summary>
public static class Gil
{
    // <busy>
    /// <summary>One PLINQ partition per core, each spinning for <paramref name="duration"/>; returns the spins.</summary>
    public static long BusyAllCores(TimeSpan duration) =>
        ParallelEnumerable.Range(0, Environment.ProcessorCount)
            .WithDegreeOfParallelism(Environment.ProcessorCount)
            .WithExecutionMode(ParallelExecutionMode.ForceParallelism)
            .Select(_ => Spin(duration))
            .Sum();
    // </busy>

    public static long Spin(TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long spins = 0;
        while (clock.Elapsed < duration)
        {
            spins++;
        }
        return spins;
    }

    /// <summary>How long <see cref="SpinningProperty"/> spins.</summary>
    public static TimeSpan PropertySpin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A getter doing the same spin as <see cref="Spin"/>: pythonnet keeps the GIL here.</summary>
    public static long SpinningProperty => Spin(PropertySpin);
}

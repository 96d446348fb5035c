using System.Diagnostics;

namespace Parity.Examples.Infrastructure;

/// <summary>The median of several timed runs: the one timing shape the concepts share (not a benchmark: see dotnet/bench).</summary>
public static class Timing
{
    /// <summary>How long <paramref name="action"/> took, once.</summary>
    public static TimeSpan Time(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    /// <summary>The middle value (the upper middle one for an even count).</summary>
    public static TimeSpan Median(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Count > 0 ? sorted[sorted.Count / 2] : throw new ArgumentException("no times to take the median of", nameof(times));
    }
}

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

    /// <summary>Awaits <paramref name="once"/> <paramref name="runs"/> times in a row: the median
    /// time and every result, in order.</summary>
    public static async Task<(TimeSpan Median, IReadOnlyList<T> Results)> MedianAsync<T>(
        int runs, Func<Task<T>> once)
    {
        ArgumentNullException.ThrowIfNull(once);
        var (times, results) = (new List<TimeSpan>(), new List<T>());
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            results.Add(await once().ConfigureAwait(false));
            times.Add(clock.Elapsed);
        }
        return (Median(times), results);
    }

    /// <summary>The middle value (the upper middle one for an even count).</summary>
    public static TimeSpan Median(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Count > 0 ? sorted[sorted.Count / 2] : throw new ArgumentException("no times to take the median of", nameof(times));
    }
}

namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.delegates: .NET methods that take delegates and <see cref="IProgress{T}"/>, called from
/// Python with Python callables. Each call of a Python callable from .NET takes the GIL back,
/// so the heavy loop belongs in .NET and the callable only hears about progress.
/// </summary>
public static class Delegates
{
    // <delegates>
    public static long Apply(Func<long, long> function, long value)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function(value);
    }

    public static long[] Map(long[] values, Func<long, long> function) => [.. values.Select(function)];

    public static void Repeat(int count, Action<int> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var i = 0; i < count; i++)
        {
            action(i);
        }
    }

    /// <summary>Sums 0..count-1 in <paramref name="steps"/> PLINQ chunks on the thread pool, reporting each chunk.</summary>
    public static Task<long> CrunchAsync(long count, int steps, TimeSpan pause, IProgress<int>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return Task.Run(async () =>
        {
            long total = 0;
            var chunk = (count + steps - 1) / steps;
            for (var step = 0; step < steps; step++)
            {
                var start = Math.Min(count, step * chunk);
                var length = checked((int)(Math.Min(count, start + chunk) - start));
                total += ParallelEnumerable.Range(0, length).WithCancellation(cancellationToken).Select(i => start + i).Sum();
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                progress?.Report(step + 1);
            }
            return total;
        }, cancellationToken);
    }
    // </delegates>
}

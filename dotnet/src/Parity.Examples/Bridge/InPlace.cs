using System.Numerics;
using System.Runtime.InteropServices;

namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.plinq, the path that does not copy: .NET reads memory it does not own (a numpy array's
/// buffer, found through <c>arr.ctypes.data</c>) in place, through a span over the pointer. The
/// memory is native, so the GC never moves it; the caller keeps the array alive for the call.
/// A parallel sum over it is limited by memory bandwidth, not by the crossing.
/// </summary>
public static class InPlace
{
    // <in-place>
    /// <summary>The sum of <paramref name="count"/> longs at <paramref name="address"/>, split over <paramref name="workers"/> threads (0: one per core).</summary>
    public static long ParallelSum(nint address, long count, int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        if (address == 0 && count > 0)
        {
            throw new ArgumentException("a null address with a non-zero count", nameof(address));
        }
        var parts = (int)Math.Min(workers > 0 ? workers : Environment.ProcessorCount, Math.Max(count, 1));
        var partials = new long[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            // Each worker reads its own contiguous slice: no sharing, no false sharing on the inputs.
            var start = count * part / parts;
            var end = count * (part + 1) / parts;
            partials[part] = SumOf(Slice(address, start, end - start));
        });
        return partials.Sum();
    }

    /// <summary>The same slice summed on the calling thread: the one-core baseline.</summary>
    public static long Sum(nint address, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count == 0 ? 0 : SumOf(Slice(address, 0, count));
    }

    private static unsafe ReadOnlySpan<long> Slice(nint address, long start, long length) =>
        new((long*)address + start, checked((int)length));

    /// <summary>A vectorised sum (wrapping on overflow, like numpy's int64 sum).</summary>
    private static long SumOf(ReadOnlySpan<long> values)
    {
        var vectors = MemoryMarshal.Cast<long, Vector<long>>(values);
        var accumulator = Vector<long>.Zero;
        foreach (var vector in vectors)
        {
            accumulator += vector;
        }
        var total = Vector.Sum(accumulator);
        for (var i = vectors.Length * Vector<long>.Count; i < values.Length; i++)
        {
            total += values[i];
        }
        return total;
    }
    // </in-place>
}

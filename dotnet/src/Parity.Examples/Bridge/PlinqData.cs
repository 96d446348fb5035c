using System.Runtime.InteropServices;

namespace Parity.Examples.Bridge;

/// <summary>
/// bridge.plinq: the .NET half of "Python data into PLINQ". Every entry point takes a
/// <c>long[]</c>, not a <c>Span&lt;long&gt;</c>: pythonnet can bind a .NET array (and lets Python
/// view it as a writable buffer), but it cannot build a span from Python.
/// </summary>
public static class PlinqData
{
    // <plinq>
    public static long Sum(long[] values) => values.AsParallel().Sum();

    public static long SumOfSquares(long[] values) => values.AsParallel().Select(v => v * v).Sum();

    /// <summary>A bulk copy from unmanaged memory (a numpy array's data pointer): one memcpy.</summary>
    public static long[] CopyFrom(nint address, int count)
    {
        var values = new long[count];
        Marshal.Copy(address, values, 0, count);
        return values;
    }
    // </plinq>

    public static long Get(long[] values, int index) => values[index];

    /// <summary>The span overload C# callers would prefer; kept to show pythonnet cannot call it.</summary>
    public static long SumSpan(ReadOnlySpan<long> values)
    {
        long total = 0;
        foreach (var value in values)
        {
            total += value;
        }
        return total;
    }
}

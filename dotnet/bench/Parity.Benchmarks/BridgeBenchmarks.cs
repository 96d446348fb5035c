using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Parity.Examples.Bridge;
using Parity.Examples.Plinq;

namespace Parity.Benchmarks;

/// <summary>Workload 5, the native side: the calls Python makes through the bridge, made directly.</summary>
public unsafe class BridgeBenchmarks
{
    private long* _buffer;
    private long* _copy;
    private long[] _array = [];

    [GlobalSetup]
    public void Setup()
    {
        var count = Settings.BigCount;
        _buffer = (long*)NativeMemory.Alloc((nuint)count, sizeof(long));
        _copy = (long*)NativeMemory.Alloc((nuint)count, sizeof(long));
        for (var i = 0; i < count; i++)
        {
            _buffer[i] = i;
        }
        _array = new long[count];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_buffer);
        NativeMemory.Free(_copy);
    }

    [Benchmark]
    public long Call() => CallOverhead.Identity(1);

    [Benchmark]
    public long ParallelRange() => Sum.ParallelRange(Settings.RangeCount);

    /// <summary>The zero-copy sum over native memory, as the bridge calls it for a numpy array.</summary>
    [Benchmark]
    public long InPlaceParallelSum() => InPlace.ParallelSum((nint)_buffer, Settings.BigCount);

    [Benchmark]
    public void MarshalCopy() => Marshal.Copy((nint)_buffer, _array, 0, Settings.BigCount);

    [Benchmark]
    public void Memcpy() => Buffer.MemoryCopy(_buffer, _copy, (long)Settings.BigCount * sizeof(long), (long)Settings.BigCount * sizeof(long));
}

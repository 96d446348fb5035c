using BenchmarkDotNet.Attributes;
using Parity.Examples.Plinq;

namespace Parity.Benchmarks;

/// <summary>plinq.sum in-process: the sum of a million longs, sequential and AsParallel (the article's example, timed without start-up).</summary>
public class SumBenchmarks
{
    private long[] _numbers = [];

    [GlobalSetup]
    public void Setup() => _numbers = Sum.Numbers(Settings.SumCount);

    [Benchmark]
    public long Sequential() => Sum.Sequential(_numbers);

    [Benchmark]
    public long Parallel() => Sum.Parallel(_numbers);
}

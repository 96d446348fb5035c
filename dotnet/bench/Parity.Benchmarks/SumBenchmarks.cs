using BenchmarkDotNet.Attributes;
using Parity.Examples.Plinq;

namespace Parity.Benchmarks;

/// <summary>
/// plinq.sum measured properly: the sum alone, in-process, warmed up, many iterations.
/// (The article timed the whole program with `time`, which measures the runtime's start-up.)
/// </summary>
[MemoryDiagnoser]
public class SumBenchmarks
{
    private long[] _numbers = [];

    [Params(1_000, 1_000_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup() => _numbers = Sum.Numbers(Count);

    [Benchmark(Baseline = true)]
    public long Sequential() => Sum.Sequential(_numbers);

    [Benchmark]
    public long Parallel() => Sum.Parallel(_numbers);

    /// <summary>Heavier work per element: where PLINQ starts to pay.</summary>
    [Benchmark]
    public double HeavySequential() => _numbers.Take(20_000).Select(x => Cancellation.Work((int)x)).Sum();

    [Benchmark]
    public double HeavyParallel() => _numbers.Take(20_000).AsParallel().Select(x => Cancellation.Work((int)x)).Sum();
}

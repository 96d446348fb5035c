using BenchmarkDotNet.Attributes;
using Parity.Examples.Bridge;

namespace Parity.Benchmarks;

/// <summary>Workload 2: the CPU-bound map (200 square roots per element), sequential and on 1..cores workers.</summary>
public class MapBenchmarks
{
    public static IEnumerable<int> WorkerCounts => Settings.WorkerCounts;

    [Benchmark]
    public double Sequential() => Workloads.MapSequential(Settings.MapCount);

    [Benchmark]
    [ArgumentsSource(nameof(WorkerCounts))]
    public double Plinq(int workers) => Workloads.MapPlinq(Settings.MapCount, workers);

    [Benchmark]
    [ArgumentsSource(nameof(WorkerCounts))]
    public double ParallelFor(int workers) => Workloads.MapParallelFor(Settings.MapCount, workers);
}

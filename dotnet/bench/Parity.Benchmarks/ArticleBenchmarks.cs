using BenchmarkDotNet.Attributes;

namespace Parity.Benchmarks;

/// <summary>
/// Workload 6: the article's own timing, `time dotnet PLINQ.dll`, i.e. the whole program (runtime
/// start-up, JIT, the sum, exit). SumBenchmarks times the same sums in-process.
/// </summary>
public class ArticleBenchmarks
{
    [Benchmark]
    public void WholeProgramNoop() => Children.RunToEnd(Settings.SelfPath, "noop");

    [Benchmark]
    public void WholeProgramSequential() => Children.RunToEnd(Settings.SelfPath, "article-sum", "sequential");

    [Benchmark]
    public void WholeProgramParallel() => Children.RunToEnd(Settings.SelfPath, "article-sum", "parallel");
}

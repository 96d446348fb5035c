namespace Parity.Examples.Bridge;

/// <summary>
/// The CPU-bound map of `invoke bench` (comparisons/benchmarks.md): <see cref="Plinq.Cancellation.Work"/>
/// (200 square roots) over 0..count-1, summed. It lives here, not in the benchmark project, so the
/// same compiled method is timed natively (BenchmarkDotNet) and through the bridge (pyperf).
/// </summary>
public static class Workloads
{
    // <map>
    public static double MapSequential(int count)
    {
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            total += Plinq.Cancellation.Work(i);
        }
        return total;
    }

    public static double MapPlinq(int count, int workers) =>
        ParallelEnumerable.Range(0, count).WithDegreeOfParallelism(workers).Select(Plinq.Cancellation.Work).Sum();

    public static double MapParallelFor(int count, int workers)
    {
        var partials = new double[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, part =>
        {
            var total = 0.0;
            for (var i = count * part / workers; i < count * (part + 1) / workers; i++)
            {
                total += Plinq.Cancellation.Work(i);
            }
            partials[part] = total;
        });
        return partials.Sum();
    }
    // </map>
}

using System.Globalization;

namespace Parity.Benchmarks;

/// <summary>
/// The sizes of every workload, set by `invoke bench` (python/src/parity/bench/plan.py) through
/// PARITY_BENCH_* variables, so both languages get the same input from one place.
/// </summary>
public static class Settings
{
    public static bool Quick => Environment.GetEnvironmentVariable("PARITY_BENCH_QUICK") == "1";

    public static int MapCount => Int("PARITY_BENCH_MAP_COUNT", 600_000);

    public static int SumCount => Int("PARITY_BENCH_SUM_COUNT", 1_000_000);

    public static int RangeCount => Int("PARITY_BENCH_RANGE_COUNT", 100_000_000);

    public static int BigCount => Int("PARITY_BENCH_BIG_COUNT", 16_000_000);

    public static int Requests => Int("PARITY_BENCH_REQUESTS", 1_000);

    public static int SleepingTasks => Int("PARITY_BENCH_SLEEPERS", 10_000);

    public static int SleepMilliseconds => Int("PARITY_BENCH_SLEEP_MS", 10);

    public static IEnumerable<int> IpcSizes =>
        (Environment.GetEnvironmentVariable("PARITY_BENCH_IPC_SIZES") ?? "64,1048576")
            .Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture));

    public static IEnumerable<int> WorkerCounts => Enumerable.Range(1, Environment.ProcessorCount);

    public static string Url => Required("PARITY_BENCH_URL");

    public static string CliPath => Required("PARITY_BENCH_CLI");

    /// <summary>This program's own dll, started again as a child (sink, article-sum, noop).</summary>
    public static string SelfPath => typeof(Settings).Assembly.Location;

    public static string DotnetPath => Environment.ProcessPath ?? "dotnet";

    private static int Int(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set: run through `invoke bench`");
}

namespace Parity.Benchmarks;

/// <summary>The benchmark classes by group name, the order `invoke bench` runs them in.</summary>
public static class Groups
{
    private static readonly Dictionary<string, Type> ByName = new()
    {
        ["start"] = typeof(StartBenchmarks),
        ["map"] = typeof(MapBenchmarks),
        ["sum"] = typeof(SumBenchmarks),
        ["ipc"] = typeof(IpcBenchmarks),
        ["async"] = typeof(AsyncBenchmarks),
        ["bridge"] = typeof(BridgeBenchmarks),
        ["article"] = typeof(ArticleBenchmarks),
        ["trace"] = typeof(TraceBenchmarks),
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}

using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Parity.Benchmarks;

// The .NET half of `invoke bench`. Modes:
//   bench GROUP ARTIFACTS   run one group's benchmarks (start, map, ipc, async, bridge, article)
//   sink                    a child: read length-prefixed messages on stdin, ack each on stdout
//   sink-mmf PATH           the same, the payload in a memory-mapped file instead of the pipe
//   serve                   the loopback HTTP server the fan-out hits; prints its URL
//   article-sum MODE        the article's whole program: sum 0..999,999 (sequential or parallel)
//   noop                    start and exit: the runtime's own start-up
return args switch
{
    ["bench", var group, var artifacts] => RunGroup(group, artifacts),
    ["sink"] => Sink.Run(null),
    ["sink-mmf", var path] => Sink.Run(path),
    ["serve"] => await LoopbackServer.ServeAsync(),
    ["article-sum", var mode] => ArticleSum(mode),
    ["noop"] => 0,
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Parity.Benchmarks bench GROUP ARTIFACTS | sink | sink-mmf PATH | serve | article-sum sequential|parallel | noop");
    return 2;
}

static int ArticleSum(string mode)
{
    var numbers = Parity.Examples.Plinq.Sum.Numbers(1_000_000);
    var total = mode == "parallel" ? numbers.AsParallel().Sum() : numbers.Sum();
    Console.WriteLine(total.ToString(CultureInfo.InvariantCulture));
    return 0;
}

static int RunGroup(string group, string artifacts)
{
    var type = Groups.Find(group);
    if (type is null)
    {
        Console.Error.WriteLine($"Parity.Benchmarks: unknown group '{group}'; expected one of {string.Join(", ", Groups.Names)}");
        return 2;
    }
    // In-process (no generated project to build per run): a small, documented job. Quick mode
    // takes fewer, shorter iterations; the full run more. Both report every measured iteration.
    var quick = Settings.Quick;
    var job = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(quick ? 1 : 4)
        .WithIterationCount(quick ? 3 : 10)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(quick ? 20 : 120))
        .WithId(quick ? "quick" : "full");
    var config = ManualConfig.CreateEmpty()
        .AddJob(job)
        .AddExporter(JsonExporter.Full)
        .AddLogger(ConsoleLogger.Default)
        .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
        .WithArtifactsPath(artifacts)
        .WithOptions(ConfigOptions.DisableLogFile);
    var summary = BenchmarkRunner.Run(type, config);
    return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
}

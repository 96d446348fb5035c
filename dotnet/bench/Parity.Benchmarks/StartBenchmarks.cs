using BenchmarkDotNet.Attributes;

namespace Parity.Benchmarks;

/// <summary>Workload 1: start a unit of concurrency and wait for it to finish.</summary>
public class StartBenchmarks
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The CLI as a child process (`dotnet Parity.Cli.dll list`): a whole runtime start.</summary>
    [Benchmark]
    public void ProcessStart() => Children.RunToEnd(Settings.CliPath, "list");

    [Benchmark]
    public void Thread()
    {
        var thread = new Thread(static () => { });
        thread.Start();
        if (!thread.Join(Limit))
        {
            throw new TimeoutException("thread did not finish");
        }
    }

    [Benchmark]
    public Task TaskRun() => Task.Run(static () => { }).WaitAsync(Limit);

    [Benchmark]
    public async Task AsyncTask() => await Yielding().WaitAsync(Limit);

    private static async Task Yielding() => await Task.Yield();
}

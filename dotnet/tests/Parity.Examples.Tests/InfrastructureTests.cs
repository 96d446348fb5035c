using Parity.Examples.Infrastructure;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests;

public sealed class InfrastructureTests
{
    [Fault.LinuxFact("/proc/self/stat, the independent answer, is Linux only")]
    public void ParentProcessId_OnUnix_IsGetppidWhichAgreesWithProcStat()
    {
        // Id() asks libc's getppid() on every Unix, the call macOS relies on; /proc says the same.
        Assert.NotNull(ParentProcess.Id());
        Assert.Equal(ParentProcess.Of(Environment.ProcessId), ParentProcess.Id());
    }

    [Theory]
    [InlineData("true", false, true)] // CI on Linux or macOS installed it: missing is broken
    [InlineData("TRUE", false, true)]
    [InlineData("true", true, false)] // CI on Windows has no package: the tests skip, saying why
    [InlineData(null, false, false)] // a laptop: skip with the install hint
    public void RedisServerRequired_ByCiAndPlatform_OnlyInCiOffWindows(
        string? ci, bool windows, bool required)
    {
        Assert.Equal(required, PrivateRedisServer.RequiredWhere(ci, windows));
    }

    [Fact]
    public void Median_OddAndEvenCounts_TakesTheMiddleRun()
    {
        static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
        Assert.Equal(Ms(5), Timing.Median([Ms(9), Ms(1), Ms(5)]));
        Assert.Equal(Ms(5), Timing.Median([Ms(9), Ms(1), Ms(5), Ms(2)])); // the upper middle one
        Assert.Throws<ArgumentException>(() => Timing.Median([]));
    }

    [Fact]
    public async Task MedianAsync_ThreeRuns_AwaitsEachInTurnAndKeepsEveryResult()
    {
        var (started, inside) = (0, 0);
        var (_, results) = await Timing.MedianAsync(3, async () =>
        {
            var run = ++started;
            Assert.Equal(1, Interlocked.Increment(ref inside)); // one run at a time
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            return run;
        });
        Assert.Equal([1, 2, 3], results);
    }

    [Fact]
    public async Task ConcurrencyMeter_TwoBodiesHeldInsideTogether_CountsTwo()
    {
        var meter = new ConcurrencyMeter();
        using var bothInside = new CountdownEvent(2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Body()
        {
            bothInside.Signal();
            await release.Task;
        }
        var first = meter.MeasureAsync(Body);
        var second = meter.MeasureAsync(Body);
        Assert.True(bothInside.Wait(Timeouts.Short));
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Timeouts.Short);
        meter.Measure(() => { }); // alone now: the peak stays 2
        Assert.Equal(2, meter.Max);
    }

    [Fact]
    public void ConceptContext_AnyWriter_IsSynchronizedOnce()
    {
        using var output = new StringWriter();
        var ctx = new ConceptContext(output);
        Assert.NotSame(output, ctx.Out);
        Assert.Same(ctx.Out, TextWriter.Synchronized(ctx.Out)); // already synchronized: not wrapped again
        Parallel.For(0, 1000, i => ctx.Out.WriteLine($"line {i}"));
        Assert.Equal(1000, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
    }

    [Fact]
    public void Timeouts_Unscaled_AreThirtyAndSixtySeconds()
    {
        // Whoever runs the tests may stretch them (PARITY_TIMEOUT_SCALE); the ratio stays.
        Assert.Equal(TimeSpan.FromSeconds(30) * Timeouts.Scale, Timeouts.Short);
        Assert.Equal(Timeouts.Short * 2, Timeouts.Long);
        Assert.True(Timeouts.Scale > 0);
    }

    [Fact]
    public async Task ChildProcess_NoExitWithinTheLimit_IsKilledAndReaped()
    {
        using var sleeper = Lifecycle.CreateSleeper(Timeouts.Short);
        await using var child = ChildProcess.Start(sleeper);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => child.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Contains($"the child for process.lifecycle (pid {sleeper.Id}) did not exit within", error.Message, StringComparison.Ordinal);
        Assert.True(sleeper.HasExited); // killed and reaped before the exception
    }
}

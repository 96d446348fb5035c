using Parity.Examples.Infrastructure;
using Parity.Examples.Pool;

namespace Parity.Examples.Tests.Pool;

public sealed class ApplyAsyncTests
{

    [Fact]
    public async Task RunTasks_TenTasksFiveAtATime_AllRunAndPeakAtMostFive()
    {
        var run = await ApplyAsync.RunTasksAsync(5, 10, TimeSpan.FromMilliseconds(50), TextWriter.Null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 10), run.Names);
        Assert.InRange(run.Peak, 1, 5);
    }

    /// <summary>Starts <paramref name="items"/> tasks that each wait on one gate; reports how many got in.</summary>
    private static async Task<(int StartedBeforeRelease, int Completed)> GatedAsync(ParallelOptions options, int items, int expectedInside)
    {
        var started = 0;
        var completed = 0;
        var enoughInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Parallel.ForEachAsync(Enumerable.Range(0, items), options, async (_, token) =>
        {
            if (Interlocked.Increment(ref started) == expectedInside)
            {
                enoughInside.TrySetResult();
            }
            await gate.Task.WaitAsync(Timeouts.Short, token);
            Interlocked.Increment(ref completed);
        });
        await enoughInside.Task.WaitAsync(Timeouts.Short);
        // The bound: no further task starts while these hold their slots (a negative needs a wait).
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var inside = Volatile.Read(ref started);
        gate.SetResult();
        await run.WaitAsync(Timeouts.Short);
        return (inside, Volatile.Read(ref completed));
    }

    [Fact]
    public async Task ForEachAsync_MaxFive_SixthWaitsUntilASlotFrees()
    {
        var (inside, completed) = await GatedAsync(new ParallelOptions { MaxDegreeOfParallelism = 5 }, 6, 5);
        Assert.Equal(5, inside);
        Assert.Equal(6, completed);
    }

    [Fact]
    public async Task ForEachAsync_NoLimitGiven_UsesProcessorCount()
    {
        var (inside, completed) = await GatedAsync(new ParallelOptions(), Environment.ProcessorCount + 1, Environment.ProcessorCount);
        Assert.Equal(Environment.ProcessorCount, inside);
        Assert.Equal(Environment.ProcessorCount + 1, completed);
    }

    [Fact]
    public async Task Run_PrintsTenTasksAndOver()
    {
        var text = await Ctx.RunAsync(ApplyAsync.RunAsync);
        for (var i = 0; i < 10; i++)
        {
            Assert.Contains($"[task {i}]", text, StringComparison.Ordinal);
        }
        Assert.EndsWith("over", text.TrimEnd(), StringComparison.Ordinal);
    }
}

using Parity.Examples.Infrastructure;
using Parity.Examples.Pool;

namespace Parity.Examples.Tests.Pool;

public sealed class CallbacksTests
{

    [Fact]
    public async Task OnEach_TasksFinishInAnyOrder_CallbacksFollowCompletionOrder()
    {
        var sources = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var seen = new List<string>();
        var signal = new SemaphoreSlim(0);
        var run = Callbacks.OnEachAsync(
            sources.Select(s => s.Task),
            name => { lock (seen) { seen.Add($"callback {name}"); } signal.Release(); },
            ex => { lock (seen) { seen.Add($"error_callback {ex.Message}"); } signal.Release(); });

        foreach (var name in new[] { 4, 0, 3, 2, 1 })
        {
            if (name % 2 == 1)
            {
                sources[name].SetException(new InvalidOperationException($"task {name} failed"));
            }
            else
            {
                sources[name].SetResult(name);
            }
            Assert.True(await signal.WaitAsync(Timeouts.Short)); // one outcome at a time
        }
        await run.WaitAsync(Timeouts.Short);

        Assert.Equal(["callback 4", "callback 0", "error_callback task 3 failed", "callback 2", "error_callback task 1 failed"], seen);
    }

    [Fact]
    public async Task OnEach_ArticleTasks_ThreeResultsAndTwoErrors()
    {
        var results = new List<int>();
        var errors = new List<Exception>();
        await Callbacks.OnEachAsync(
            Callbacks.StartTasks(TimeSpan.FromMilliseconds(50), TextWriter.Null, CancellationToken.None),
            name => { lock (results) { results.Add(name); } },
            ex => { lock (errors) { errors.Add(ex); } }).WaitAsync(Timeouts.Short);

        Assert.Equal([0, 1, 2], results.Order());
        Assert.Equal(["task 3 failed", "task 4 failed"], errors.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e));
    }

    [Fact]
    public async Task WhenAll_TwoFailures_AwaitThrowsOneAggregateHoldsBoth()
    {
        var all = Task.WhenAll(Callbacks.StartTasks(TimeSpan.Zero, TextWriter.Null, CancellationToken.None));
        var first = await Assert.ThrowsAsync<InvalidOperationException>(() => all.WaitAsync(Timeouts.Short));
        Assert.Equal("task 3 failed", first.Message); // the first in input order, not in time
        Assert.Equal(2, all.Exception!.InnerExceptions.Count);
    }

    [Fact]
    public async Task Run_PrintsEveryOutcomeAndOver()
    {
        var text = await Ctx.RunAsync(Callbacks.RunAsync);
        Assert.Contains("[error_callback] InvalidOperationException: task 3 failed", text, StringComparison.Ordinal);
        Assert.Contains("[callback] task 2 finished", text, StringComparison.Ordinal);
        Assert.Contains("holds 2 exceptions", text, StringComparison.Ordinal);
    }
}

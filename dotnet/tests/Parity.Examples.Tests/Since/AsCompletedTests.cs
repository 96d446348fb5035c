using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class AsCompletedTests
{
    private static readonly string[] Names = ["a", "b", "c"];
    private static readonly string[] FinishingOrder = ["c", "a", "b"];

    [Fact]
    public async Task WhenEach_ForcedFinishingOrder_YieldsTheOriginalTasksInThatOrder()
    {
        var sources = Names.ToDictionary(n => n, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        var jobs = sources.ToDictionary(s => s.Key, s => s.Value.Task);
        var reading = AsCompleted.InFinishOrderAsync(jobs);
        foreach (var name in FinishingOrder)
        {
            sources[name].SetResult(name);
        }
        var done = await reading.WaitAsync(Timeouts.Short);
        Assert.Equal([("c", "c"), ("a", "a"), ("b", "b")], done);
    }

    [Fact]
    public async Task WhenEach_Yields_TheSameTaskObjects()
    {
        var first = Task.FromResult(1);
        var second = Task.FromResult(2);
        var seen = new List<Task<int>>();
        await foreach (var task in Task.WhenEach(first, second).WithCancellation(CancellationToken.None))
        {
            seen.Add(task);
        }
        Assert.Contains(seen, t => ReferenceEquals(t, first));
        Assert.Contains(seen, t => ReferenceEquals(t, second));
    }
}

using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class EagerTasksTests
{
    [Fact]
    public async Task AsyncMethod_AwaitsSomethingIncomplete_HasRunUpToThatAwait()
    {
        var (seen, finished) = await EagerTasks.CalledAsync(wait: true).WaitAsync(Timeouts.Short);
        Assert.Equal(["started"], seen);
        Assert.False(finished);
    }

    [Fact]
    public async Task AsyncMethod_NeverWaits_ReturnsACompletedTask()
    {
        var (seen, finished) = await EagerTasks.CalledAsync(wait: false).WaitAsync(Timeouts.Short);
        Assert.Equal(["started", "resumed"], seen); // ran to the end inside the call
        Assert.True(finished);
    }
}

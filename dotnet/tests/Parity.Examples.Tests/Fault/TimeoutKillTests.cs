using Parity.Examples.Fault;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Fault;

public sealed class TimeoutKillTests
{
    [Fact]
    public async Task KillTheChildOnly_GrandchildHoldsThePipe_ReadStillWaitsAfterTheChildDied()
    {
        var outcome = await TimeoutKill.KillTheChildOnlyAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(Lifecycle.KilledExitCode, outcome.ChildExitCode);
        Assert.True(outcome.GrandchildRunning);
        Assert.True(outcome.ReadTimedOut);
    }

    [Fact]
    public async Task KillTheTree_GrandchildDiesToo_ReadEndsWithNothingMore()
    {
        var outcome = await TimeoutKill.KillTheTreeAsync(CancellationToken.None);
        Assert.Equal(Lifecycle.KilledExitCode, outcome.ChildExitCode);
        Assert.False(outcome.GrandchildRunning);
        Assert.Equal("", outcome.Output);
    }
}

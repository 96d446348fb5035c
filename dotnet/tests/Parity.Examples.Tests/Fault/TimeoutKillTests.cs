using Parity.Examples.Fault;

namespace Parity.Examples.Tests.Fault;

public sealed class TimeoutKillTests
{
    [Fact]
    public async Task KillTheChildOnly_GrandchildHoldsThePipe_ReadStillWaitsAfterTheChildDied()
    {
        var outcome = await TimeoutKill.KillTheChildOnlyAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(ExitCodes.Killed, outcome.ChildExitCode);
        Assert.True(outcome.GrandchildRunning);
        Assert.True(outcome.ReadTimedOut);
    }

    [Fact]
    public async Task KillTheTree_GrandchildDiesToo_ReadEndsWithNothingMore()
    {
        var outcome = await TimeoutKill.KillTheTreeAsync(CancellationToken.None);
        Assert.Equal(ExitCodes.Killed, outcome.ChildExitCode);
        Assert.False(outcome.GrandchildRunning);
        Assert.Equal("", outcome.Output);
    }
}

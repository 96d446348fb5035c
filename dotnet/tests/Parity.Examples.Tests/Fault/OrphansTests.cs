using Parity.Examples.Fault;

namespace Parity.Examples.Tests.Fault;

public sealed class OrphansTests
{
    [Fact]
    public async Task KillTheParent_PlainChild_KeepsRunning()
    {
        var outcome = await Orphans.KillTheParentAsync("plain", CancellationToken.None);
        Assert.True(outcome.Survived);
    }

    [Fact]
    public async Task KillTheParent_ChildWatchingItsStdin_ExitsAtEndOfFile()
    {
        var outcome = await Orphans.KillTheParentAsync("watch", CancellationToken.None);
        Assert.False(outcome.Survived);
    }

    [LinuxFact("PR_SET_PDEATHSIG is Linux only")]
    public async Task KillTheParent_ChildWithPdeathsig_IsKilledWithIt()
    {
        var outcome = await Orphans.KillTheParentAsync("pdeathsig", CancellationToken.None);
        Assert.False(outcome.Survived);
    }

    [WindowsFact("Job objects are Windows only; not run on the Linux development machine")]
    public async Task KillTheParent_ChildInKillOnCloseJob_IsKilledWithIt()
    {
        var outcome = await Orphans.KillTheParentAsync("job", CancellationToken.None);
        Assert.False(outcome.Survived);
    }
}

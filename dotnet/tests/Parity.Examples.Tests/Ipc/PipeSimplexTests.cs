using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

public sealed class PipeSimplexTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(1) * Ctx.TestTimeScale;

    [Fact]
    public async Task ReceiveBeforeStart_TimesOut_ThenStartingTheChildDeliversTheMessage()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (arrivedEarly, message, childPid) = await PipeSimplex.ReceiveBeforeStartAsync(Wait, CancellationToken.None);

        Assert.False(arrivedEarly);
        TimerSlack.AssertWaited(clock.Elapsed, Wait);
        Assert.Equal(PipeSimplex.Message, message);
        Assert.True(ChildProcesses.HasExited(childPid));
    }

    [Fact]
    public void WriteOnTheReadEnd_ThrowsNotSupportedException()
    {
        Assert.Equal("NotSupportedException: Stream does not support writing. (CanWrite=False)", PipeSimplex.Misuse());
    }

    [Fact]
    public async Task SilentChild_GivesEofOnlyWhenTheParentDisposedItsWriteEnd()
    {
        Assert.Equal("eof", await PipeSimplex.AfterSilentChildAsync(disposeWriteEnd: true, Wait, CancellationToken.None));
        Assert.Equal("nothing", await PipeSimplex.AfterSilentChildAsync(disposeWriteEnd: false, Wait, CancellationToken.None));
    }
}

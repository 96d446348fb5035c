using Parity.Examples.Infrastructure;
using Parity.Examples.Subprocess;

namespace Parity.Examples.Tests.Subprocess;

public sealed class CommunicateTests
{
    [Fact]
    public async Task Converse_InteractiveChild_ReturnsEveryAnswerAfterEndOfFile()
    {
        var talk = await Communicate.ConverseAsync(Communicate.Hello, Timeouts.Long, CancellationToken.None);

        Assert.False(talk.TimedOut);
        Assert.Equal("hello\n4\n", talk.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal(3, talk.Stderr.Split('>').Length - 1); // one prompt per line and one before end of file
        Assert.Equal(0, talk.ExitCode);
    }

    [Fact]
    public async Task Converse_StuckChild_IsStillRunningAtTheDeadline_ThenKilledAndCollected()
    {
        var stuck = await Communicate.ConverseAsync(Communicate.Stuck, TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.True(stuck.TimedOut);
        Assert.True(stuck.AliveAfterTimeout, "cancelling WaitForExitAsync must not stop the child");
        Assert.Equal("working...\n", stuck.Stdout.ReplaceLineEndings("\n"));
        // Killed: .NET reports 128 + SIGKILL on Unix where Python says -9; Windows gives -1.
        Assert.NotEqual(0, stuck.ExitCode);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(137, stuck.ExitCode);
        }
    }

    [Fact]
    public async Task Converse_CallerCancels_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Communicate.ConverseAsync(Communicate.Stuck, Timeouts.Long, cts.Token));
    }

    [Fact]
    public async Task RunAsync_ShowsAnswersAndTheTimeout()
    {
        var text = await Ctx.RunAsync(Communicate.RunAsync);
        Assert.Contains("stdout='hello\\n4\\n'", text, StringComparison.Ordinal);
        Assert.Contains("timed out=True, still running then=True", text, StringComparison.Ordinal);
    }
}

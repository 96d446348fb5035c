using System.IO.Pipes;
using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

public sealed class PipeDuplexTests
{
    [Fact]
    public async Task Converse_ParentAndChild_TalkBothWaysOverOnePipe()
    {
        var conversation = await PipeDuplex.ConverseAsync(CancellationToken.None);

        Assert.Equal(PipeDuplex.Request, conversation.Request);
        Assert.Equal($"[child] heard: {PipeDuplex.Reply}", conversation.Echo);
        Assert.Equal(0, conversation.ExitCode);
    }

    [Fact]
    public void AnonymousPipe_IsOneWay_SoDuplexNeedsANamedPipe()
    {
        using var anonymous = new AnonymousPipeServerStream(PipeDirection.Out);
        Assert.True(anonymous.CanWrite);
        Assert.False(anonymous.CanRead);
        // InOut is rejected for anonymous pipes: one direction per pipe.
        Assert.Throws<NotSupportedException>(() => new AnonymousPipeServerStream(PipeDirection.InOut));
    }

    [Fact]
    public async Task Run_PrintsTheConversation()
    {
        var ctx = Ctx.Create(out var output);
        await PipeDuplex.RunAsync(ctx);
        var text = output.ToString();
        Assert.Contains(PipeDuplex.Request, text, StringComparison.Ordinal);
        Assert.Contains($"heard: {PipeDuplex.Reply}", text, StringComparison.Ordinal);
        Assert.Contains("child exited with code 0", text, StringComparison.Ordinal);
    }
}

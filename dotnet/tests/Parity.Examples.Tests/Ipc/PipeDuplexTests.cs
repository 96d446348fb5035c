using System.IO.Pipes;
using System.Net.Sockets;
using System.Text;
using Parity.Examples.Infrastructure;
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
        Assert.True(ChildProcesses.HasExited(conversation.ChildPid));
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
    public async Task NamedPipe_OnLinuxAndMacOS_IsAUnixDomainSocket()
    {
        var name = $"parity-test-{Guid.NewGuid():N}";
        await using var server = new NamedPipeServerStream(
            name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        var accepted = server.WaitForConnectionAsync();
        if (OperatingSystem.IsWindows())
        {
            // A real named pipe: \\.\pipe\NAME, joined by name.
            await using var client = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous);
            await client.ConnectAsync(Timeouts.Short, CancellationToken.None);
        }
        else
        {
            // .NET puts the pipe in the temp folder as a socket file: a plain AF_UNIX socket can talk to it.
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(Path.GetTempPath(), $"CoreFxPipe_{name}")));
            await accepted.WaitAsync(Timeouts.Short);
            await socket.SendAsync(Encoding.UTF8.GetBytes("hello\n"));
            using var reader = new StreamReader(server, leaveOpen: true);
            Assert.Equal("hello", await reader.ReadLineAsync().WaitAsync(Timeouts.Short));
        }
        await accepted.WaitAsync(Timeouts.Short);
        Assert.True(server.IsConnected);
    }

    [Fact]
    public async Task Run_PrintsTheConversation()
    {
        var text = await Ctx.RunAsync(PipeDuplex.RunAsync);
        Assert.Contains(PipeDuplex.Request, text, StringComparison.Ordinal);
        Assert.Contains($"heard: {PipeDuplex.Reply}", text, StringComparison.Ordinal);
        Assert.Contains("child exited with code 0", text, StringComparison.Ordinal);
    }
}

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
        var name = PipeNames.Unique("parity-test");
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
            var path = PipeNames.SocketPath(name, Path.GetTempPath());
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            await accepted.WaitAsync(Timeouts.Short);
            await socket.SendAsync(Encoding.UTF8.GetBytes("hello\n"));
            using var reader = new StreamReader(server, leaveOpen: true);
            Assert.Equal("hello", await reader.ReadLineAsync().WaitAsync(Timeouts.Short));
        }
        await accepted.WaitAsync(Timeouts.Short);
        Assert.True(server.IsConnected);
    }

    // What Path.GetTempPath() gives on a macOS runner: /var/folders/XX/<30 characters>/T/.
    private const string MacTemp = "/var/folders/dw/mp2rmvjd1gqbq2c3h0d4fx1w0000gn/T/";

    [Theory]
    [InlineData(MacTemp)]
    [InlineData("/tmp/")]
    public void PipeName_UnderAUnixTempFolder_LeavesASocketPathThatFits(string temp)
    {
        var name = PipeNames.Unique("parity-test", temp);
        var path = PipeNames.SocketPath(name, temp);

        Assert.InRange(Encoding.UTF8.GetByteCount(path), 1, PipeNames.MaxSocketPathBytes);
        Assert.StartsWith("parity-test-", name, StringComparison.Ordinal);
        Assert.InRange(name.Length - "parity-test-".Length, PipeNames.MinRandomDigits, 32);
        Assert.NotEqual(name, PipeNames.Unique("parity-test", temp));
    }

    [Fact]
    public void PipeName_OnMacOS_WouldNotFitWithAFullGuid()
    {
        // The name this test used before: why the random part must shrink there.
        var path = PipeNames.SocketPath($"parity-test-{Guid.NewGuid():N}", MacTemp);
        Assert.True(Encoding.UTF8.GetByteCount(path) > PipeNames.MaxSocketPathBytes, path);
    }

    [Fact]
    public void PipeName_UnderATooLongTempFolder_IsRefusedWithTheFix()
    {
        var temp = $"/{new string('t', 80)}/";
        var error = Assert.Throws<InvalidOperationException>(
            () => PipeNames.Unique("parity", temp));
        Assert.Contains("set TMPDIR to a shorter folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PipeName_OnWindows_KeepsTheWholeRandomPart()
    {
        Assert.Equal("parity-".Length + 32, PipeNames.Unique("parity", tempPath: null).Length);
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

using System.IO.Pipes;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// ipc.pipe-duplex: one connection, messages both ways between a parent and its child. .NET's
/// anonymous pipes are one-way, so the duplex line is a named pipe opened with PipeDirection.InOut:
/// the parent is the server, the child (a copy of this program) connects by name. Windows builds
/// CPython's duplex Pipe() the same way; on Linux and macOS .NET's named pipes are Unix domain
/// sockets, like CPython's socketpair(). Messages are lines of text; every read has a deadline.
/// </summary>
[Concept("ipc.pipe-duplex")]
public static class PipeDuplex
{
    public const string Request = "[child] Dad, tell me when Mum gets home.";
    public const string Reply = "[parent] Homework first, or we are both in trouble.";

    public sealed record Conversation(string Request, string Echo, int ExitCode, int ChildPid);

    public static async Task RunAsync(ConceptContext ctx)
    {
        var conversation = await ConverseAsync(ctx.CancellationToken);
        ctx.Out.WriteLine(conversation.Request);
        ctx.Out.WriteLine(conversation.Echo);
        ctx.Out.WriteLine($"child exited with code {conversation.ExitCode}");
    }

    // <parent>
    public static async Task<Conversation> ConverseAsync(CancellationToken cancellationToken)
    {
        var name = PipeNames.Unique("parity"); // unguessable, so no other program joins in
        await using var server = new NamedPipeServerStream(
            name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        await using var child = ChildProcess.Start("ipc.pipe-duplex", [name]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeouts.Short);
        await server.WaitForConnectionAsync(deadline.Token);
        using var reader = new StreamReader(server, leaveOpen: true);
        await using var writer = new StreamWriter(server, leaveOpen: true) { AutoFlush = true };
        var request = await ReadLineAsync(reader, deadline.Token);
        await writer.WriteLineAsync(Reply.AsMemory(), deadline.Token); // the same stream talks back
        var echo = await ReadLineAsync(reader, deadline.Token);
        var exitCode = (await child.WaitAsync(Timeouts.Short, deadline.Token)).ExitCode;
        return new Conversation(request, echo, exitCode, child.Id);
    }
    // </parent>

    // <child>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
        deadline.CancelAfter(Timeouts.Short);
        await using var pipe = new NamedPipeClientStream(
            ".", args[0], PipeDirection.InOut, PipeOptions.Asynchronous);
        await pipe.ConnectAsync(deadline.Token);
        using var reader = new StreamReader(pipe, leaveOpen: true);
        await using var writer = new StreamWriter(pipe, leaveOpen: true) { AutoFlush = true };
        await writer.WriteLineAsync(Request.AsMemory(), deadline.Token);
        var answer = await ReadLineAsync(reader, deadline.Token);
        await writer.WriteLineAsync($"[child] heard: {answer}".AsMemory(), deadline.Token);
        return 0;
    }
    // </child>

    private static async Task<string> ReadLineAsync(StreamReader reader, CancellationToken ct) =>
        await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the peer hung up");
}

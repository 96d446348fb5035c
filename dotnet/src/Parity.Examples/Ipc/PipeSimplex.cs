using System.IO.Pipes;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Ipc;

/// <summary>
/// ipc.pipe-simplex: a one-way anonymous pipe from a child to its parent. The parent keeps the
/// read end (PipeDirection.In); the child, a copy of this program, opens the write end from the
/// handle string it is given. Writing on the read end throws NotSupportedException. Reading
/// before the child exists waits for ever, so here the read is started early and awaited with
/// WaitAsync(timeout): the timeout fires, then the child is started and the same read completes.
/// And while the parent keeps its copy of the write end, a child that dies silently never
/// produces end-of-file: DisposeLocalCopyOfClientHandle is the close that matters.
/// </summary>
[Concept("ipc.pipe-simplex")]
public static class PipeSimplex
{
    public const string Message = "[child] Dad, we are done for: Mum is at the door.";

    public static async Task RunAsync(ConceptContext ctx)
    {
        var wait = ctx.Seconds(1);
        var (arrivedEarly, message, _) = await ReceiveBeforeStartAsync(wait, ctx.CancellationToken);
        ctx.Out.WriteLine(
            $"reading before the child starts: anything within {wait.TotalSeconds:F2} s? "
            + $"{arrivedEarly}; after starting it: {message}");
        ctx.Out.WriteLine($"wrong direction: {Misuse()}");
        var disposed = await AfterSilentChildAsync(true, wait, ctx.CancellationToken);
        ctx.Out.WriteLine($"silent child, parent disposed its write end: {disposed}");
        var kept = await AfterSilentChildAsync(false, wait, ctx.CancellationToken);
        ctx.Out.WriteLine($"silent child, parent kept its write end: {kept}");
    }

    // <wrong-order>
    public static async Task<(bool ArrivedEarly, string? Message, int ChildPid)>
        ReceiveBeforeStartAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var pipe =
            new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        using var reader = new StreamReader(pipe);
        // Start reading before any child exists; Task.Run so the caller is never the one blocked.
        var read =
            Task.Run(() => reader.ReadLineAsync(cancellationToken).AsTask(), cancellationToken);
        bool arrivedEarly;
        try
        {
            await read.WaitAsync(wait, cancellationToken); // an unbounded await here never returns
            arrivedEarly = true;
        }
        catch (TimeoutException)
        {
            arrivedEarly = false;
        }
        await using var child =
            ChildProcess.Start("ipc.pipe-simplex", ["say", pipe.GetClientHandleAsString()]);
        pipe.DisposeLocalCopyOfClientHandle(); // the child has the write end now
        var message = await read.WaitAsync(Timeouts.Short, cancellationToken);
        await child.WaitAsync(Timeouts.Short, cancellationToken);
        return (arrivedEarly, message, child.Id);
    }
    // </wrong-order>

    // <eof>
    /// <summary>"eof" when no write end is left open anywhere, "nothing" while the parent holds
    /// one.</summary>
    public static async Task<string> AfterSilentChildAsync(
        bool disposeWriteEnd, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var pipe =
            new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        using var reader = new StreamReader(pipe);
        string[] args = ["silent", pipe.GetClientHandleAsString()];
        await using (var child = ChildProcess.Start("ipc.pipe-simplex", args))
        {
            await child.WaitAsync(Timeouts.Short, cancellationToken); // it is gone before we look
        }
        if (disposeWriteEnd)
        {
            pipe.DisposeLocalCopyOfClientHandle();
        }
        var read =
            Task.Run(() => reader.ReadLineAsync(cancellationToken).AsTask(), cancellationToken);
        // Another child started meanwhile by someone else may hold a copy of the write end for a
        // moment, so EOF gets the generous limit; "nothing" is what the short wait shows.
        var limit = disposeWriteEnd ? Timeouts.Short : wait;
        try
        {
            return await read.WaitAsync(limit, cancellationToken) is null ? "eof" : "message";
        }
        catch (TimeoutException)
        {
            pipe.DisposeLocalCopyOfClientHandle(); // now the pending read ends with EOF
            await read.WaitAsync(Timeouts.Short, cancellationToken);
            return "nothing";
        }
    }
    // </eof>

    // <wrong-direction>
    public static string Misuse()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        try
        {
            pipe.WriteByte(1);
            return "no error";
        }
        catch (NotSupportedException ex)
        {
            return $"{ex.GetType().Name}: {ex.Message} (CanWrite={pipe.CanWrite})";
        }
    }
    // </wrong-direction>

    // <child>
    public static async Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        await using var pipe = new AnonymousPipeClientStream(PipeDirection.Out, args[1]);
        if (args[0] == "say")
        {
            await using var writer = new StreamWriter(pipe);
            await writer.WriteLineAsync(Message.AsMemory(), ctx.CancellationToken);
        }
        return 0;
    }
    // </child>
}

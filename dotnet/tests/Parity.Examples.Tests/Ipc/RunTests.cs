using Parity.Examples.Infrastructure;
using Parity.Examples.Ipc;

namespace Parity.Examples.Tests.Ipc;

/// <summary>Each ipc concept's RunAsync, as the CLI and the bridge call it, at the tests' time scale.</summary>
public sealed class RunTests
{
    [Fact]
    public async Task PipeSimplexRun_ShowsEveryCase()
    {
        var text = await Ctx.RunAsync(PipeSimplex.RunAsync);
        Assert.Contains($"? False; after starting it: {PipeSimplex.Message}", text, StringComparison.Ordinal);
        Assert.Contains("parent disposed its write end: eof", text, StringComparison.Ordinal);
        Assert.Contains("parent kept its write end: nothing", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipePoolRun_ShowsTheConversationTheDeadlockAndTheAsyncFix()
    {
        var text = await Ctx.RunAsync(PipePool.RunAsync);
        Assert.Contains(PipePool.Invite, text, StringComparison.Ordinal);
        Assert.Contains("(deadlock), waits cancelled", text, StringComparison.Ordinal);
        Assert.Contains($"with one worker and await: the asker heard \"{PipePool.Decline}\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueBoundedRun_ShowsFullDrainAndClosed()
    {
        var text = await Ctx.RunAsync(QueueBounded.RunAsync);
        Assert.Contains("TryWrite returned false: 3 messages", text, StringComparison.Ordinal);
        Assert.Contains("got {1, 2, 3, 4}; 0 left", text, StringComparison.Ordinal);
        Assert.Contains("on a full collection returned False", text, StringComparison.Ordinal);
        Assert.Contains("WriteAsync throws ChannelClosedException", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueProcessesRun_ShowsTheTrapAndTheFix()
    {
        var text = await Ctx.RunAsync(QueueProcesses.RunAsync);
        Assert.Contains($"talker alone: the talker heard \"{QueueProcesses.Question}\"", text, StringComparison.Ordinal);
        Assert.Contains($"two channels: the talker heard \"{QueueProcesses.Answer}\"", text, StringComparison.Ordinal);
    }
}

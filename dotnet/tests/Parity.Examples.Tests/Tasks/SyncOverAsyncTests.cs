using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class SyncOverAsyncTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Block_LibraryResumingOnTheContext_DeadlocksUntilTheWaitGivesUp()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        // However long we wait, the continuation cannot run while its only thread is blocked.
        var (finished, call) = await SyncOverAsync.BlockOnContextThreadAsync(ui, () => SyncOverAsync.LibraryCallAsync(Delay), TimeSpan.FromMilliseconds(300))
            .WaitAsync(Timeouts.Short);
        Assert.False(finished);
        Assert.Equal("done", await call.WaitAsync(Timeouts.Short)); // released once the thread pumps again
    }

    [Fact]
    public async Task Block_LibraryWithConfigureAwaitFalse_Finishes()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        var (finished, call) = await SyncOverAsync.BlockOnContextThreadAsync(ui, () => SyncOverAsync.LibraryCallWithoutContextAsync(Delay), Timeouts.Short)
            .WaitAsync(Timeouts.Short);
        Assert.True(finished);
        Assert.Equal("done", await call);
    }

    [Fact]
    public async Task AwaitOnContextThread_LibraryResumingOnTheContext_Completes()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        var threads = await ui.RunAsync(async () =>
        {
            var before = Environment.CurrentManagedThreadId;
            await SyncOverAsync.LibraryCallAsync(Delay);
            return (before, after: Environment.CurrentManagedThreadId);
        }).WaitAsync(Timeouts.Short);
        Assert.Equal(ui.ThreadId, threads.before);
        Assert.Equal(ui.ThreadId, threads.after);
    }

    [Fact]
    public async Task Result_WithoutContext_DoesNotDeadlock()
    {
        var result = await Task.Run(() => SyncOverAsync.LibraryCallAsync(Delay).Result).WaitAsync(Timeouts.Short);
        Assert.Equal("done", result);
    }

    [Fact]
    public async Task AsyncVoid_UnderContext_CallerCannotCatchAndTheContextGetsTheException()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        var caught = await ui.Run(() =>
        {
            try
            {
                SyncOverAsync.FailLater(Delay);
                return false;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }).WaitAsync(Timeouts.Short);
        Assert.False(caught);
        Assert.True(SpinWait.SpinUntil(() => ui.UnhandledExceptions.Count > 0, Timeouts.Short));
        var error = Assert.IsType<InvalidOperationException>(Assert.Single(ui.UnhandledExceptions));
        Assert.Equal("async void failed", error.Message);
    }

    [Fact]
    public async Task AsyncVoid_InAConsoleApp_CrashesTheProcess()
    {
        var child = await SyncOverAsync.RunChildAsync(Delay, Timeouts.Short, CancellationToken.None);
        Assert.NotEqual(0, child.ExitCode);
        Assert.Equal("Unhandled exception. System.InvalidOperationException: async void failed", child.FirstErrorLine);
        Assert.Contains("[child] async void started", child.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("caught it", child.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("still alive", child.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ShowsDeadlockFixesAndAsyncVoid()
    {
        var text = await Ctx.RunAsync(SyncOverAsync.RunAsync);
        Assert.Contains("finished within 0.05 s? False (deadlock)", text, StringComparison.Ordinal);
        Assert.Contains("fix 2, await on the ui thread (async all the way): 'done'", text, StringComparison.Ordinal);
        Assert.Contains("caller caught it? False; the context got: async void failed", text, StringComparison.Ordinal);
        Assert.Contains("async void in a console app: the process died", text, StringComparison.Ordinal);
    }
}

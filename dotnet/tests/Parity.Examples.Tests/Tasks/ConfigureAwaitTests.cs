using Parity.Examples.Infrastructure;
using Parity.Examples.Tasks;

namespace Parity.Examples.Tests.Tasks;

public sealed class ConfigureAwaitTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    private static async Task<(IReadOnlyList<ConfigureAwait.Observation> Steps, int UiThread)> UnderContextAsync()
    {
        using var ui = new SingleThreadSynchronizationContext("ui");
        var steps = await ui.RunAsync(() => ConfigureAwait.WhereContinuationsRunAsync(Delay)).WaitAsync(Timeouts.Short);
        return (steps, ui.ThreadId);
    }

    [Fact]
    public async Task UnderContext_PlainAwait_ResumesOnTheContextThread()
    {
        var (steps, ui) = await UnderContextAsync();
        Assert.Equal(ui, steps[0].ThreadId);
        Assert.Equal(ui, steps[2].ThreadId);
        Assert.True(steps[2].HasContext);
    }

    [Fact]
    public async Task UnderContext_ConfigureAwaitFalse_ResumesOnAPoolThreadWithoutContext()
    {
        var (steps, ui) = await UnderContextAsync();
        Assert.NotEqual(ui, steps[3].ThreadId);
        Assert.True(steps[3].IsThreadPoolThread);
        Assert.False(steps[3].HasContext);
    }

    [Fact]
    public async Task UnderContext_LaterPlainAwaitAfterConfigureAwaitFalse_StaysOffTheContext()
    {
        var (steps, ui) = await UnderContextAsync();
        Assert.NotEqual(ui, steps[4].ThreadId);
        Assert.True(steps[4].IsThreadPoolThread);
        Assert.False(steps[4].HasContext);
    }

    [Fact]
    public async Task UnderContext_ConfigureAwaitFalseOnCompletedTask_DoesNotLeaveTheContext()
    {
        var (steps, ui) = await UnderContextAsync();
        Assert.Equal(ui, steps[1].ThreadId);
        Assert.True(steps[1].HasContext);
    }

    [Fact]
    public async Task NoContext_EveryContinuation_RunsOnPoolThreadsEitherWay()
    {
        // Task.Run: no SynchronizationContext, as in a console app (xunit's own is left behind).
        var steps = await Task.Run(() => ConfigureAwait.WhereContinuationsRunAsync(Delay)).WaitAsync(Timeouts.Short);
        Assert.All(steps, s =>
        {
            Assert.True(s.IsThreadPoolThread, s.ToString());
            Assert.False(s.HasContext, s.ToString());
        });
    }

    [Fact]
    public async Task Run_ShowsBothSettings()
    {
        var text = await Ctx.RunAsync(ConfigureAwait.RunAsync);
        Assert.Contains("under a single-threaded SynchronizationContext", text, StringComparison.Ordinal);
        Assert.Contains("with no SynchronizationContext", text, StringComparison.Ordinal);
        Assert.Equal(10, text.Split('\n').Count(l => l.Contains("context: ", StringComparison.Ordinal)));
    }
}

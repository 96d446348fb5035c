using System.Diagnostics;
using Parity.Examples.Infrastructure;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Processes;

public sealed class LifecycleTests
{
    [Fact]
    public void HasExited_BeforeStart_Throws()
    {
        using var child = Lifecycle.CreateSleeper(TimeSpan.FromSeconds(1));
        var ex = Assert.Throws<InvalidOperationException>(() => child.HasExited);
        Assert.Equal("No process is associated with this object.", ex.Message);
    }

    [Fact]
    public async Task Join_TimeoutWhileChildRuns_ReturnsFalseAndChildLives()
    {
        using var sleeper = Lifecycle.CreateSleeper(Timeouts.Short);
        await using var child = ChildProcess.Start(sleeper);
        Assert.False(await Lifecycle.JoinAsync(sleeper, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.False(sleeper.HasExited);
        await child.KillAsync();
        Assert.True(await Lifecycle.JoinAsync(sleeper, Timeouts.Short, CancellationToken.None));
    }

    [Fact]
    public async Task Kill_RunningChild_ExitCodeIs137OnUnixAndMinus1OnWindows()
    {
        using var sleeper = Lifecycle.CreateSleeper(Timeouts.Short);
        await using var child = ChildProcess.Start(sleeper);
        sleeper.Kill(entireProcessTree: true);
        Assert.True(await Lifecycle.JoinAsync(sleeper, Timeouts.Short, CancellationToken.None));
        Assert.True(sleeper.HasExited);
        Assert.Equal(OperatingSystem.IsWindows() ? -1 : 137, sleeper.ExitCode);
        Assert.Equal(ExitCodes.Killed, sleeper.ExitCode);
    }

    [Fact]
    public async Task Join_ChildThatEnds_ReturnsTrueWithExitCodeZero()
    {
        using var sleeper = Lifecycle.CreateSleeper(TimeSpan.Zero);
        await using var child = ChildProcess.Start(sleeper);
        Assert.True(await Lifecycle.JoinAsync(sleeper, Timeouts.Short, CancellationToken.None));
        Assert.Equal(0, sleeper.ExitCode);
    }

    [Fact]
    public async Task Run_WalksThroughTheStates_AndLeavesNoChild()
    {
        var text = await Ctx.RunAsync(Lifecycle.RunAsync);
        Assert.Contains("HasExited throws", text, StringComparison.Ordinal);
        Assert.Contains("exited=False HasExited=False", text, StringComparison.Ordinal);
        Assert.Contains($"ExitCode={ExitCodes.Killed}", text, StringComparison.Ordinal);
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"pid=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // gone: no child outlives the concept
    }
}

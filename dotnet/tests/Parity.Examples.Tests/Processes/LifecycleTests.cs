using System.Diagnostics;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Processes;

public sealed class LifecycleTests
{
    [Fact]
    public void HasExited_BeforeStart_Throws()
    {
        using var child = Lifecycle.CreateSleeper(1);
        var ex = Assert.Throws<InvalidOperationException>(() => child.HasExited);
        Assert.Equal("No process is associated with this object.", ex.Message);
    }

    [Fact]
    public async Task Join_TimeoutWhileChildRuns_ReturnsFalseAndChildLives()
    {
        using var child = Lifecycle.CreateSleeper(Lifecycle.ChildTimeout.TotalSeconds);
        child.Start();
        try
        {
            Assert.False(await Lifecycle.JoinAsync(child, TimeSpan.FromMilliseconds(50), CancellationToken.None));
            Assert.False(child.HasExited);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            Assert.True(await Lifecycle.JoinAsync(child, Lifecycle.ChildTimeout, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Kill_RunningChild_ExitCodeIs137OnUnixAndMinus1OnWindows()
    {
        using var child = Lifecycle.CreateSleeper(Lifecycle.ChildTimeout.TotalSeconds);
        child.Start();
        child.Kill(entireProcessTree: true);
        Assert.True(await Lifecycle.JoinAsync(child, Lifecycle.ChildTimeout, CancellationToken.None));
        Assert.True(child.HasExited);
        Assert.Equal(OperatingSystem.IsWindows() ? -1 : 137, child.ExitCode);
        Assert.Equal(Lifecycle.KilledExitCode, child.ExitCode);
    }

    [Fact]
    public async Task Join_ChildThatEnds_ReturnsTrueWithExitCodeZero()
    {
        using var child = Lifecycle.CreateSleeper(0);
        child.Start();
        Assert.True(await Lifecycle.JoinAsync(child, Lifecycle.ChildTimeout, CancellationToken.None));
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public async Task Run_WalksThroughTheStates_AndLeavesNoChild()
    {
        var ctx = Ctx.Create(out var output);
        await Lifecycle.RunAsync(ctx);
        var text = output.ToString();
        Assert.Contains("HasExited throws", text, StringComparison.Ordinal);
        Assert.Contains("exited=False HasExited=False", text, StringComparison.Ordinal);
        Assert.Contains($"ExitCode={Lifecycle.KilledExitCode}", text, StringComparison.Ordinal);
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"pid=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // gone: no child outlives the concept
    }
}

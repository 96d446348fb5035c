using System.Diagnostics;
using Parity.Examples.Infrastructure;
using Parity.Examples.Subprocess;

namespace Parity.Examples.Tests.Subprocess;

public sealed class RunTests
{

    [Fact]
    public async Task RunCaptured_GreetingChild_ReturnsExitCodeAndBothStreams()
    {
        var done = await Run.RunCapturedAsync(Run.Child("greet"), Timeouts.Long, CancellationToken.None);

        Assert.Equal(0, done.ExitCode);
        Assert.StartsWith("hello from ", done.Stdout, StringComparison.Ordinal);
        var childPid = int.Parse(done.Stdout["hello from ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(Environment.ProcessId, childPid);
        Assert.Equal("a warning", done.Stderr.Trim());
        Assert.Equal(["child", "subprocess.run", "greet"], done.Args.Skip(2));
    }

    [Fact]
    public async Task EnsureSuccess_NonZeroExit_ThrowsWithExitCodeStderrAndMessage()
    {
        var done = await Run.RunCapturedAsync(Run.Child("fail"), Timeouts.Long, CancellationToken.None);
        Assert.Equal(3, done.ExitCode); // without the check it is just a result

        var ex = Assert.Throws<ProcessFailedException>(() => done.EnsureSuccess());
        Assert.Equal(3, ex.Result.ExitCode);
        Assert.Equal("bad input", ex.Result.Stderr.Trim());
        Assert.Equal($"Command '{done.Command}' returned non-zero exit status 3.", ex.Message);
    }

    [Fact]
    public async Task RunCaptured_HangingChild_TimesOutAndKillsTheChild()
    {
        var timeout = TimeSpan.FromSeconds(1.5);
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ProcessTimeoutException>(
            () => Run.RunCapturedAsync(Run.Child("hang"), timeout, CancellationToken.None));

        TimerSlack.AssertWaited(clock.Elapsed, timeout); // and it ended: the child would sleep 600 s
        Assert.IsAssignableFrom<TimeoutException>(ex);
        Assert.EndsWith("timed out after 1.5 seconds", ex.Message, StringComparison.Ordinal);
        Assert.False(IsRunning(ex.Pid), $"child {ex.Pid} survived its timeout");
    }

    [Fact]
    public async Task RunCaptured_CallerCancels_KillsTheChildAndThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Run.RunCapturedAsync(Run.Child("hang"), Timeouts.Long, cts.Token));
    }

    [Fact]
    public async Task RunAsync_ShowsResultFailureAndTimeout()
    {
        var text = await Ctx.RunAsync(Run.RunAsync);
        Assert.Contains("exit code=0", text, StringComparison.Ordinal);
        Assert.Contains("ProcessFailedException: exit code 3, stderr='bad input'", text, StringComparison.Ordinal);
        Assert.Contains("ProcessTimeoutException after", text, StringComparison.Ordinal);
    }

    internal static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process any more
        }
    }
}

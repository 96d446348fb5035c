using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Fault;

public sealed class ChildExceptionsTests
{
    /// <summary>An unhandled exception aborts the runtime: SIGABRT (128 + 6) on Unix, 0xE0434352 on Windows.</summary>
    private static int CrashExitCode => OperatingSystem.IsWindows() ? unchecked((int)0xE0434352) : 134;

    /// <summary>Runs one failure in a child copy of the program, as the concept does.</summary>
    private static Task<SelfLauncher.ChildRun> RunChildAsync(string mode, CancellationToken token) =>
        SelfLauncher.RunAsync("fault.child-exception", [mode], Timeouts.Short, token);

    [Fact]
    public async Task RunChild_EntryPointThrows_ExitCode1AndOneLineOnStderr()
    {
        var run = await RunChildAsync("entry", CancellationToken.None);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("parity: child fault.child-exception failed: InvalidOperationException: bad row 3", run.Error.Trim());
    }

    [Theory]
    [InlineData("thread")] // an exception unhandled on a Thread
    [InlineData("async-void")] // an exception thrown out of an async void method
    public async Task RunChild_UnhandledOnThreadOrFromAsyncVoid_TheWholeProcessDies(string mode)
    {
        var run = await RunChildAsync(mode, CancellationToken.None);
        Assert.Equal(CrashExitCode, run.ExitCode);
        Assert.StartsWith("Unhandled exception. System.InvalidOperationException: bad row 3", run.Error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("not reached", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunChild_FaultedTaskNobodyAwaits_EventFiresAndTheProcessLives()
    {
        var run = await RunChildAsync("unobserved", CancellationToken.None);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("UnobservedTaskException: bad row 3; still running", run.Output, StringComparison.Ordinal);
    }
}

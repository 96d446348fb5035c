using Parity.Examples.Fault;

namespace Parity.Examples.Tests.Fault;

public sealed class WorkerKilledTests
{
    [Fact]
    public async Task Supervise_WorkerKilledMidTask_ExitCodeSaysKilledAndTheRetryFinishes()
    {
        var attempts = await WorkerKilled.SuperviseAsync(CancellationToken.None);

        Assert.Equal(2, attempts.Count);
        Assert.Equal(ExitCodes.Killed, attempts[0].ExitCode); // 137 = 128 + SIGKILL; -1 on Windows
        Assert.Equal((0, "42"), (attempts[1].ExitCode, attempts[1].Result));
        Assert.NotEqual(attempts[0].Pid, attempts[1].Pid);
    }

    [Fact]
    public void TryAbortAThread_OnDotnetCore_ThrowsPlatformNotSupported()
    {
        var ex = WorkerKilled.TryAbortAThread();
        Assert.IsType<PlatformNotSupportedException>(ex);
    }

    [Fact]
    public async Task CancelCooperatively_TokenCancelled_TaskEndsCanceled()
    {
        Assert.Equal(TaskStatus.Canceled, await WorkerKilled.CancelCooperativelyAsync());
    }
}

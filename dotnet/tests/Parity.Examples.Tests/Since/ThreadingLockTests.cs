using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class ThreadingLockTests
{
    [Fact]
    public void Lock_EnteredAgainOnTheSameThread_IsRecursive()
    {
        Assert.True(ThreadingLock.EnterTwice(new Lock()));
    }

    [Fact]
    public void TryEnter_HeldByAnotherThread_GivesUpWithoutEntering()
    {
        var gate = new Lock();
        var got = true;
        using (gate.EnterScope())
        {
            var other = new Thread(() => got = gate.TryEnter(TimeSpan.Zero));
            other.Start();
            Assert.True(other.Join(Timeouts.Short));
        }
        Assert.False(got);
    }

    [Fact]
    public async Task AddAll_FourThreads_KeepsEveryIncrement()
    {
        Assert.Equal(80_000, await ThreadingLock.AddAllAsync(4, 20_000).WaitAsync(Timeouts.Short));
    }
}

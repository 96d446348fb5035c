using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class ParallelForAsyncTests
{
    [Fact]
    public async Task ForAsync_LimitThree_ThreeInsideTogetherAndNeverMore()
    {
        var running = new ConcurrencyMeter();
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await ParallelForAsync.ForAsync(10, 3, async (i, token) =>
        {
            if (running.Enter() == 3)
            {
                full.TrySetResult();
            }
            await full.Task.WaitAsync(token).ConfigureAwait(false); // nobody leaves before three are inside
            seen.Add(i);
            running.Exit();
        }).WaitAsync(Timeouts.Short);
        Assert.Equal(3, running.Max);
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
    }

    [Fact]
    public async Task ForAsync_OneBodyThrows_CancelsTheOthersAndThrowsIt()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int cancelled = 0, inside = 0;
        var run = ParallelForAsync.ForAsync(3, 3, async (i, token) =>
        {
            if (i == 0)
            {
                await started.Task.ConfigureAwait(false);
                throw new InvalidOperationException("body 0 failed");
            }
            if (Interlocked.Increment(ref inside) == 2)
            {
                started.TrySetResult(); // both other bodies are running: now body 0 fails
            }
            try
            {
                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Timeouts.Short));
        Assert.Equal("body 0 failed", error.Message);
        Assert.Equal(2, cancelled);
    }
}

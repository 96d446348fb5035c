using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class ParallelForAsyncTests
{
    [Fact]
    public async Task ForAsync_LimitThree_ThreeInsideTogetherAndNeverMore()
    {
        int running = 0, peak = 0;
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await ParallelForAsync.ForAsync(10, 3, async (i, token) =>
        {
            var now = Interlocked.Increment(ref running);
            ParallelForAsync.InterlockedMax(ref peak, now);
            if (now == 3)
            {
                full.TrySetResult();
            }
            await full.Task.WaitAsync(token).ConfigureAwait(false); // nobody leaves before three are inside
            seen.Add(i);
            Interlocked.Decrement(ref running);
        }).WaitAsync(Timeouts.Short);
        Assert.Equal(3, peak);
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

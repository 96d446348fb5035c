using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class FreeThreadingTests
{
    [Fact]
    public async Task TwoThreads_SpinningInManagedCode_RunAtTheSameMoment()
    {
        // Each spins until it sees the other's flag: only threads running at once can both see it.
        var inside = new[] { new ManualResetEventSlim(), new ManualResetEventSlim() };
        bool Work(int me)
        {
            inside[me].Set();
            var deadline = DateTime.UtcNow + Timeouts.Short;
            while (DateTime.UtcNow < deadline)
            {
                if (inside[1 - me].IsSet)
                {
                    return true;
                }
            }
            return false;
        }
        var threads = Enumerable.Range(0, 2).Select(me => Task.Factory.StartNew(() => Work(me), TaskCreationOptions.LongRunning)).ToArray();
        var met = await Task.WhenAll(threads).WaitAsync(Timeouts.Long);
        Assert.All(met, Assert.True);
    }

    /// <summary>A counter whose every read runs <c>pause</c> after reading, before the caller writes.</summary>
    private sealed class PausingCounter(Action pause) : FreeThreading.Counter
    {
        public override int Value
        {
            get
            {
                var seen = base.Value;
                pause();
                return seen;
            }
            set => base.Value = value;
        }

        public int Kept => base.Value; // the count, read without pausing
    }

    [Fact]
    public async Task StepByStep_ReadBetweenAnotherThreadsReadAndWrite_LosesOneIncrement()
    {
        using var bothRead = new Barrier(2);
        var counter = new PausingCounter(() => Assert.True(bothRead.SignalAndWait(Timeouts.Short)));
        var adds = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () => FreeThreading.AddUnlocked(counter), TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(adds).WaitAsync(Timeouts.Short);
        Assert.Equal(1, counter.Kept);
    }

    [Fact]
    public async Task Locked_FirstThreadPausedInside_SecondCannotEnterUntilTheWrite()
    {
        using var inside = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        var counter = new PausingCounter(() =>
        {
            inside.Set();
            Assert.True(go.Wait(Timeouts.Short)); // the second thread's read passes once go is set
        });
        var first = Task.Factory.StartNew(() => FreeThreading.AddLocked(counter), TaskCreationOptions.LongRunning);
        Assert.True(inside.Wait(Timeouts.Short));
        Assert.False(counter.Gate.TryEnter()); // held by the paused thread between its read and write
        var second = Task.Factory.StartNew(() => FreeThreading.AddLocked(counter), TaskCreationOptions.LongRunning);
        go.Set();
        await Task.WhenAll(first, second).WaitAsync(Timeouts.Short);
        Assert.Equal(2, counter.Kept);
    }

    [Fact]
    public async Task Interlocked_FourThreads_KeepsEveryIncrement()
    {
        var counter = new FreeThreading.Counter();
        await Parallel.ForAsync(0, 4, (_, _) =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                FreeThreading.AddInterlocked(counter);
            }
            return ValueTask.CompletedTask;
        }).WaitAsync(Timeouts.Short);
        Assert.Equal(400_000, counter.Value);
    }

    [Fact]
    public async Task Threads_SplitTheWork_ComputeWhatOneThreadDoes()
    {
        var seconds = await FreeThreading.TimedAsync(2, 1000, CancellationToken.None).WaitAsync(Timeouts.Short);
        Assert.True(seconds >= 0);
        // i*i % 7 repeats 0, 1, 4, 2, 2, 4, 1 (14 every 7 numbers): 142 * 14 + (0+1+4+2+2+4).
        Assert.Equal(142 * 14 + 13, FreeThreading.Spin(1000));
    }
}

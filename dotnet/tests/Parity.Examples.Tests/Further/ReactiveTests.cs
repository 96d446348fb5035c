using System.Reactive.Linq;
using System.Runtime.InteropServices;
using Parity.Examples.Further;

namespace Parity.Examples.Tests.Further;

public sealed class ReactiveTests
{
    private static readonly (int, int)[] Burst = [(0, 1), (100, 2), (200, 3), (800, 4), (900, 5)];

    [Fact]
    public void Cold_TwoSubscribers_ProducerRunsForEach()
    {
        var (first, second, runs) = Reactive.Cold();
        Assert.Equal([1, 2, 3], first);
        Assert.Equal([1, 2, 3], second);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void Hot_LateSubscriber_MissesEarlierValues()
    {
        var (early, late) = Reactive.Hot();
        Assert.Equal([1, 2, 3], early);
        Assert.Equal([3], late);
    }

    [Fact]
    public void Buffer_ThreeOfSeven_FlushesTheRestOnCompletion() =>
        Assert.Equal(["[1, 2, 3]", "[4, 5, 6]", "[7]"], Reactive.Buffer(3, 1, 2, 3, 4, 5, 6, 7));

    [Fact]
    public void Throttle_VirtualTime_EmitsAfterEachQuietPeriod() =>
        Assert.Equal(["3@500", "5@1200", "completed@1500"], Reactive.OnVirtualTime((s, c) => s.Throttle(TimeSpan.FromMilliseconds(300), c), 1500, Burst));

    [Fact]
    public void Throttle_CompletionWhilePending_FlushesTheValue() =>
        Assert.Equal(["1@100", "completed@100"], Reactive.OnVirtualTime((s, c) => s.Throttle(TimeSpan.FromMilliseconds(300), c), 100, (0, 1)));

    [Fact]
    public void Sample_VirtualTime_EmitsTheLatestValuePerTick() =>
        Assert.Equal(["3@500", "5@1000", "completed@1500"], Reactive.OnVirtualTime((s, c) => Reactive.SampleEvery(s, c, 500, 1500), 1500, Burst));

    [Fact]
    public void Merge_BothComplete_CompletesAfterTheLast() =>
        Assert.Equal(["1", "10", "(a completed)", "20", "completed"], Reactive.Merge(fail: false));

    [Fact]
    public void Merge_OneFails_ErrorEndsTheStreamAndNothingFollows() =>
        Assert.Equal(["1", "10", "(a completed)", "error: b failed"], Reactive.Merge(fail: true));

    [Fact]
    public void Reactive_OnNet10_ComesFromTheSystemReactivePackageNotTheFramework()
    {
        var assembly = typeof(Observable).Assembly;
        Assert.Equal("System.Reactive", assembly.GetName().Name);
        Assert.False(assembly.Location.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), StringComparison.Ordinal));
        Assert.Equal(".NET Foundation and Contributors", DataflowTests.Company(assembly));
    }
}

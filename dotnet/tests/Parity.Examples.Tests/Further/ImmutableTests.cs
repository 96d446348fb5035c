using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Parity.Examples.Further;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Further;

public sealed class ImmutableTests
{
    [Fact]
    public void Add_ReturnsANewListAndLeavesTheOldOne()
    {
        var (before, after) = Immutable.AddOne([1, 2, 3], 4);
        Assert.Equal([1, 2, 3], before);
        Assert.Equal([1, 2, 3, 4], after);
    }

    [Fact]
    public void Builder_ThousandChanges_OneImmutableResult()
    {
        var built = Immutable.Build(1000);
        Assert.Equal(1000, built.Count);
        Assert.Equal(999, built["k999"]);
    }

    [Fact]
    public void Add_ToAListOf100000_AllocatesUnderOnePercentOfACopy()
    {
        var (shared, copied) = Immutable.BytesToAddOne(100_000);
        Assert.True(copied > 400_000, $"copy {copied}");
        Assert.True(shared * 100 < copied, $"shared {shared}, copy {copied}"); // a path of tree nodes, not the list
    }

    [Fact]
    public async Task ReadModifyWrite_TwoWriters_LosesAnUpdate() =>
        Assert.Equal(["first"], (await Immutable.RacingWritersAsync(useInterlocked: false, Timeouts.Short)).Order());

    [Fact]
    public async Task ImmutableInterlockedUpdate_TwoWriters_KeepsBoth() =>
        Assert.Equal(["first", "second"], (await Immutable.RacingWritersAsync(useInterlocked: true, Timeouts.Short)).Order());

    [Fact]
    public void ConcurrentDictionary_IsMutableSharedStateNotAnImmutableType()
    {
        var (concurrent, immutable) = Immutable.Aliasing();
        Assert.Equal(1, concurrent);
        Assert.Equal(0, immutable);
        Assert.Equal("System.Collections.Concurrent", typeof(ConcurrentDictionary<,>).Namespace);
        Assert.DoesNotContain(typeof(ImmutableList).Assembly.GetExportedTypes(), t => t.Name.StartsWith("Concurrent", StringComparison.Ordinal));
    }

    [Fact]
    public void Immutable_OnNet10_ListDictionarySetQueueStackComeFromTheSharedFramework()
    {
        Type[] kinds = [typeof(ImmutableList<>), typeof(ImmutableDictionary<,>), typeof(ImmutableHashSet<>), typeof(ImmutableQueue<>), typeof(ImmutableStack<>)];
        Assert.All(kinds, t => Assert.Equal("System.Collections.Immutable", t.Assembly.GetName().Name));
        Assert.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), typeof(ImmutableList<>).Assembly.Location, StringComparison.Ordinal);
    }
}

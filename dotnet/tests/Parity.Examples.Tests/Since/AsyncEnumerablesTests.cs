using System.Runtime.InteropServices;
using Parity.Examples.Infrastructure;
using Parity.Examples.Since;

namespace Parity.Examples.Tests.Since;

public sealed class AsyncEnumerablesTests
{
    [Fact]
    public async Task Query_WhereSelectToList_FiltersAndProjectsTheStream()
    {
        var log = new List<string>();
        Assert.Equal([0, 4, 16, 36, 64], await ThenAsync(AsyncEnumerables.EvenSquaresAsync(10, log)));
        Assert.Equal(["closed"], log);
    }

    [Fact]
    public async Task BreakOutOfAwaitForeach_DisposesTheIteratorAtOnce()
    {
        Assert.Equal((4, true), await AsyncEnumerables.LeaveEarlyAsync(3, CancellationToken.None).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public void AsyncEnumerable_OnNet10_ComesFromTheSharedFramework()
    {
        var assembly = typeof(System.Linq.AsyncEnumerable).Assembly;
        Assert.Equal("System.Linq.AsyncEnumerable", assembly.GetName().Name);
        Assert.StartsWith(RuntimeEnvironment.GetRuntimeDirectory(), assembly.Location, StringComparison.Ordinal);
    }

    private static Task<List<int>> ThenAsync(ValueTask<List<int>> pending) => pending.AsTask().WaitAsync(Timeouts.Short);
}

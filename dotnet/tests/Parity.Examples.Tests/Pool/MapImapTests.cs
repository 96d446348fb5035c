using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;
using Parity.Examples.Pool;

namespace Parity.Examples.Tests.Pool;

public sealed class MapImapTests
{
    private static readonly int[] Squares = [0, 1, 4, 9, 16, 25, 36, 49, 64, 81];

    [Fact]
    public void Map_TenNumbers_SquaresInInputOrder()
    {
        Assert.Equal(Squares, MapImap.Map(Enumerable.Range(0, 10), MapImap.Square));
    }

    [Fact]
    public void Imap_OrderedAndUnordered_SameValuesOrderedKeepsInputOrder()
    {
        var input = Enumerable.Range(0, 200).ToArray();
        Assert.Equal(input.Select(MapImap.Square), MapImap.Imap(input, MapImap.Square, ordered: true));
        Assert.Equal(input.Select(MapImap.Square), MapImap.Imap(input, MapImap.Square, ordered: false).Order());
    }

    [Fact]
    public void Query_NotEnumerated_RunsNothing()
    {
        var calls = 0;
        var query = MapImap.Imap(Enumerable.Range(0, 10), x => { Interlocked.Increment(ref calls); return x; }, ordered: true);
        Assert.Equal(0, Volatile.Read(ref calls)); // lazier than imap, which submits at once
        Assert.Equal(10, query.Count());
        Assert.Equal(10, Volatile.Read(ref calls));
    }

    /// <summary>Item 0 waits for the gate; item 1 finishes at once and says so.</summary>
    private static (IEnumerator<int> Results, ManualResetEventSlim Gate, ManualResetEventSlim SecondDone) HeldFirst(bool ordered)
    {
        var gate = new ManualResetEventSlim();
        var secondDone = new ManualResetEventSlim();
        // NoBuffering: each thread takes one item at a time, so 0 and 1 go to different threads.
        var source = Partitioner.Create([0, 1], EnumerablePartitionerOptions.NoBuffering);
        var query = ordered ? source.AsParallel().AsOrdered() : source.AsParallel();
        var results = query.WithDegreeOfParallelism(2).WithMergeOptions(ParallelMergeOptions.NotBuffered)
            .Select(x =>
            {
                if (x == 0)
                {
                    gate.Wait(Timeouts.Short);
                }
                else
                {
                    secondDone.Set();
                }
                return x;
            })
            .GetEnumerator();
        return (results, gate, secondDone);
    }

    private static Task<int> NextAsync(IEnumerator<int> results) =>
        Task.Run(() => results.MoveNext() ? results.Current : -1);

    [Fact]
    public async Task OrderedStream_SecondItemDone_StillWaitsForTheFirst()
    {
        var (results, gate, secondDone) = HeldFirst(ordered: true);
        using (results)
        using (gate)
        using (secondDone)
        {
            var first = NextAsync(results);
            Assert.True(secondDone.Wait(Timeouts.Short));
            await Assert.ThrowsAsync<TimeoutException>(() => first.WaitAsync(TimeSpan.FromMilliseconds(100)));
            gate.Set();
            Assert.Equal(0, await first.WaitAsync(Timeouts.Short));
            Assert.Equal(1, await NextAsync(results).WaitAsync(Timeouts.Short));
        }
    }

    [Fact]
    public async Task UnorderedStream_SecondItemDone_ComesFirst()
    {
        var (results, gate, secondDone) = HeldFirst(ordered: false);
        using (results)
        using (gate)
        using (secondDone)
        {
            Assert.Equal(1, await NextAsync(results).WaitAsync(Timeouts.Short));
            gate.Set();
            Assert.Equal(0, await NextAsync(results).WaitAsync(Timeouts.Short));
        }
    }

    [Fact]
    public async Task Run_PrintsTheArticlesSequence()
    {
        var text = await Ctx.RunAsync(MapImap.RunAsync);
        Assert.Contains("single:         100", text, StringComparison.Ordinal);
        Assert.Contains("map:            [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", text, StringComparison.Ordinal);
        Assert.Contains("imap rest:      [1, 4, 9, 16, 25, 36, 49, 64, 81]", text, StringComparison.Ordinal);
    }
}

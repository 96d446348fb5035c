using System.Collections.Concurrent;
using System.Collections.Immutable;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Further;

/// <summary>
/// further.immutable: System.Collections.Immutable. Every "change" returns a new collection and
/// leaves the old one as it was, so a snapshot can be handed to any thread. The new version shares
/// almost all of its tree with the old one (adding to a list of 100 000 allocates under a kilobyte,
/// not a copy). A builder batches many changes. What is NOT made safe: the field that holds the
/// current snapshot. Read it, add, write it back, and a concurrent writer's update is lost;
/// ImmutableInterlocked.Update is the compare-and-swap loop that retries instead. A "thread-safe
/// dictionary" is a different thing: ConcurrentDictionary is mutable and shared in place.
/// </summary>
[Concept("further.immutable")]
public static class Immutable
{
    // <snapshots>
    public static (ImmutableList<int> Before, ImmutableList<int> After) AddOne(
        ImmutableList<int> list, int item) => (list, list.Add(item));

    /// <summary>Many changes through a builder (mutable, single-threaded), then one immutable
    /// result.</summary>
    public static ImmutableDictionary<string, int> Build(int count)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, int>();
        for (var i = 0; i < count; i++)
        {
            builder[$"k{i}"] = i;
        }
        return builder.ToImmutable();
    }

    /// <summary>Bytes this thread allocates to add one item: structural sharing against a full
    /// copy.</summary>
    public static (long Shared, long Copied) BytesToAddOne(int size)
    {
        var list = ImmutableList.CreateRange(Enumerable.Range(0, size));
        var array = Enumerable.Range(0, size).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(list.Add(size));
        var shared = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(array.Append(size).ToArray()); // what "copy, then add" costs
        return (shared, GC.GetAllocatedBytesForCurrentThread() - before);
    }
    // </snapshots>

    // <swap>
    /// <summary>
    /// Two writers add to the same field. The interleaving is forced: the first reads the field,
    /// the second reads, adds and writes, then the first writes what it computed from its stale
    /// read.
    /// </summary>
    public static async Task<ImmutableHashSet<string>> RacingWritersAsync(
        bool useInterlocked, TimeSpan limit)
    {
        var current = ImmutableHashSet<string>.Empty;
        using var firstHasRead = new SemaphoreSlim(0);
        using var secondHasWritten = new SemaphoreSlim(0);
        var first = Task.Run(async () =>
        {
            if (useInterlocked)
            {
                var calls = 0;
                ImmutableInterlocked.Update(ref current, set =>
                {
                    if (++calls == 1)
                    {
                        firstHasRead.Release();
                        // Our compare-and-swap will now fail and run this again.
                        secondHasWritten.Wait(limit);
                    }
                    return set.Add("first");
                });
                return;
            }
            var snapshot = Volatile.Read(ref current); // read
            firstHasRead.Release();
            await secondHasWritten.WaitAsync(limit).ConfigureAwait(false);
            // Modify and write: the other update is gone.
            Volatile.Write(ref current, snapshot.Add("first"));
        });
        await firstHasRead.WaitAsync(limit).ConfigureAwait(false);
        ImmutableInterlocked.Update(ref current, set => set.Add("second"));
        secondHasWritten.Release();
        await first.WaitAsync(limit).ConfigureAwait(false);
        return Volatile.Read(ref current);
    }
    // </swap>

    // <thread-safe-dictionary>
    /// <summary>A ConcurrentDictionary is one shared mutable object; an ImmutableDictionary never
    /// changes.</summary>
    public static (int ConcurrentSeenByOtherReference, int ImmutableSeenByOtherReference) Aliasing()
    {
        var concurrent = new ConcurrentDictionary<string, int>();
        var alias = concurrent;
        concurrent["a"] = 1; // in place: the alias sees it
        var immutable = ImmutableDictionary<string, int>.Empty;
        var snapshot = immutable;
        immutable = immutable.Add("a", 1); // a new dictionary: the snapshot does not
        GC.KeepAlive(immutable);
        return (alias.Count, snapshot.Count);
    }
    // </thread-safe-dictionary>

    // <run>
    public static async Task RunAsync(ConceptContext ctx)
    {
        var limit = Timeouts.Short;
        var (before, after) = AddOne([1, 2, 3], 4);
        ctx.Out.WriteLine(
            $"list.Add(4): old [{string.Join(", ", before)}], new [{string.Join(", ", after)}]");
        ctx.Out.WriteLine(
            $"builder: 1000 changes -> {Build(1000).Count} entries, one ImmutableDictionary");
        var (shared, copied) = BytesToAddOne(100_000);
        ctx.Out.WriteLine($"add one item to 100 000: ImmutableList allocates {shared} bytes, "
            + $"copy-then-add {copied} bytes");
        var lost = await RacingWritersAsync(useInterlocked: false, limit).ConfigureAwait(false);
        ctx.Out.WriteLine("read, add, write back (two writers): "
            + $"{{{string.Join(", ", lost.Order())}}} (one update lost)");
        var kept = await RacingWritersAsync(useInterlocked: true, limit).ConfigureAwait(false);
        ctx.Out.WriteLine(
            $"ImmutableInterlocked.Update:         {{{string.Join(", ", kept.Order())}}}");
        var (concurrent, immutable) = Aliasing();
        ctx.Out.WriteLine("another reference sees the write: "
            + $"ConcurrentDictionary {concurrent} entry, "
            + $"ImmutableDictionary snapshot {immutable} entries");
        ctx.Out.WriteLine(
            $"namespaces: {typeof(ConcurrentDictionary<,>).Namespace} (mutable, thread-safe), "
            + $"{typeof(ImmutableDictionary<,>).Namespace} (immutable)");
    }
    // </run>
}

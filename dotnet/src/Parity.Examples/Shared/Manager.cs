using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.manager: a dictionary and a list changed by one worker while another reads them, and
/// <c>d["year"] += 1</c> from five workers. Python shares a dict between processes through a
/// Manager's server and proxies; .NET threads share the object itself, so two questions are left:
/// in which order do the workers run, and is the update atomic? ConcurrentDictionary keeps each
/// call safe, but its indexer <c>+=</c> is a get and a set; AddOrUpdate is one atomic step.
/// </summary>
[Concept("shared.manager")]
public static class Manager
{
    public const int Workers = 5;
    public const int Iterations = 100; // the article's: 5 x 100
    public const int StartYear = 2000;
    public enum How
    {
        DictionaryUnlocked, DictionaryLocked, ConcurrentIndexer, ConcurrentAddOrUpdate,
    }

    // <pool-tasks>
    private static void Write(ManagerState state)
    {
        state.Set(1, "1");
        state.Set("2", 2);
        state.Set(0.25, null);
        lock (state.ListGate)
        {
            state.List.Reverse();
        }
    }

    private static Snapshot Read(ManagerState state)
    {
        List<int> list;
        lock (state.ListGate)
        {
            list = [.. state.List];
        }
        var dict = state.Order.Select(k => KeyValuePair.Create(k, state.Dict[k])).ToList();
        return new Snapshot(dict, list);
    }

    /// <summary>Writer and reader started together, as the article does.</summary>
    public static async Task<(Snapshot Seen, Snapshot Final)> AsTheArticleAsync(
        CancellationToken cancel = default)
    {
        var state = new ManagerState();
        var writing = Task.Run(() => Write(state), cancel);
        var reading = Task.Run(() => Read(state), cancel); // may run before the writer
        await Task.WhenAll(writing, reading).WaitAsync(Timeouts.Short, cancel);
        return (await reading, Read(state));
    }

    /// <summary>The article's output, guaranteed: the reader starts after the writer.</summary>
    public static async Task<Snapshot> InOrderAsync(CancellationToken cancel = default)
    {
        var state = new ManagerState();
        await Task.Run(() => Write(state), cancel).WaitAsync(Timeouts.Short, cancel);
        return await Task.Run(() => Read(state), cancel).WaitAsync(Timeouts.Short, cancel);
    }
    // </pool-tasks>

    /// <summary>Forces the other order: the writer waits until the reader is done.</summary>
    public static async Task<Snapshot> ReaderFirstAsync(CancellationToken cancel = default)
    {
        var state = new ManagerState();
        var readerDone = new TaskCompletionSource(
            TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.Run(async () =>
        {
            await readerDone.Task.WaitAsync(Timeouts.Short, cancel);
            Write(state);
        }, cancel);
        var seen = await Task.Run(() => Read(state), cancel).WaitAsync(Timeouts.Short, cancel);
        readerDone.SetResult();
        await writing.WaitAsync(Timeouts.Short, cancel);
        return seen;
    }

    // <year>
    public static int Years(How how, int iterations = Iterations)
    {
        var plain = new Dictionary<string, int> { ["year"] = StartYear };
        var gate = new Lock();
        var concurrent = new ConcurrentDictionary<string, int> { ["year"] = StartYear };
        void AddLocked()
        {
            lock (gate)
            {
                plain["year"] += 1;
            }
        }
        Action addOne = how switch
        {
            // Not even defined behaviour: Dictionary allows no concurrent writers. It "only" loses
            // updates here because the key exists and the table never resizes.
            How.DictionaryUnlocked => () => plain["year"] += 1,
            How.DictionaryLocked => AddLocked,
            // Each call is thread-safe, but += is a get then a set: lost updates, as in a Manager.
            How.ConcurrentIndexer => () => concurrent["year"] += 1,
            // One atomic step per key: retried inside until no other thread changed the value.
            How.ConcurrentAddOrUpdate =>
                () => concurrent.AddOrUpdate("year", StartYear + 1, (_, year) => year + 1),
            _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
        };
        LinedUpThreads.Run(Workers, () => ManagerState.Repeat(iterations, addOne), Timeouts.Short);
        var dictionary = how is How.DictionaryUnlocked or How.DictionaryLocked;
        return dictionary ? plain["year"] : concurrent["year"];
    }
    // </year>

    // <year-step-by-step>
    /// <summary>
    /// concurrent["year"] += 1 split in its get and its set, on two threads: A gets and pauses,
    /// B gets and sets, A sets. Returns the years added (1 or 2) and whether B got in the pause.
    /// </summary>
    public static (int Added, bool OtherReadDuringPause) YearStepByStep(bool locked)
    {
        var years = new ConcurrentDictionary<string, int> { ["year"] = StartYear };
        var bReadDuringPause = Interleaving.Run(
            () => years["year"], // one thread-safe call ...
            value => years["year"] = value, // ... and another: nothing holds them together
            locked ? new Lock() : null);
        return (years["year"] - StartYear, bReadDuringPause);
    }
    // </year-step-by-step>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var cancel = ctx.CancellationToken;
        var (seen, final) = await AsTheArticleAsync(cancel);
        ctx.Out.WriteLine($"[article] reader saw {seen.Format()}; afterwards {final.Format()}");
        ctx.Out.WriteLine($"[in order] reader saw {(await InOrderAsync(cancel)).Format()}");
        ctx.Out.WriteLine($"[reader first] reader saw {(await ReaderFirstAsync(cancel)).Format()}");
        var ideal = StartYear + (Workers * Iterations);
        ctx.Out.WriteLine($"year, {Workers} threads x {Iterations} += 1, ideal {ideal}");
        foreach (var how in Enum.GetValues<How>())
        {
            ctx.Out.WriteLine($"{how}: {Years(how)}");
        }
        var (unlocked, _) = YearStepByStep(locked: false);
        var (locked, _) = YearStepByStep(locked: true);
        ctx.Out.WriteLine($"get, pause, set (two threads): {unlocked} of 2 years added");
        ctx.Out.WriteLine($"the same holding a lock:       {locked} of 2 years added");
    }
}

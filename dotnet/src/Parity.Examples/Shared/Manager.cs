using System.Collections.Concurrent;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.manager: a dictionary and a list changed by one worker while another reads them, and
/// a read-modify-write (<c>d["year"] += 1</c>) from five workers. Python needs a Manager's
/// server process and proxies to share a dict between processes; .NET threads share the
/// object itself, so the questions left are the same two: in which order do the workers run,
/// and is the update atomic? <see cref="ConcurrentDictionary{TKey,TValue}"/> keeps each call
/// safe, but its indexer <c>+=</c> is still a get and a set; AddOrUpdate is one atomic step per key.
/// </summary>
[Concept("shared.manager")]
public static class Manager
{
    public const int Workers = 5;
    public const int Iterations = 100; // the article's: 5 x 100
    public const int StartYear = 2000;
    public enum How { DictionaryUnlocked, DictionaryLocked, ConcurrentIndexer, ConcurrentAddOrUpdate }

    public sealed record Snapshot(IReadOnlyList<KeyValuePair<object, object?>> Dict, IReadOnlyList<int> List);

    /// <summary>The shared state: a thread-safe dictionary and a list guarded by its own lock.</summary>
    private sealed class State
    {
        // Insertion order matters for the snapshot, so keep it next to the dictionary.
        public readonly ConcurrentDictionary<object, object?> Dict = new();
        public readonly ConcurrentQueue<object> Order = new();
        public readonly List<int> List = [.. Enumerable.Range(0, 10)];
        public readonly Lock ListGate = new();

        public void Set(object key, object? value)
        {
            Dict[key] = value;
            Order.Enqueue(key);
        }
    }

    // <pool-tasks>
    private static void Write(State state)
    {
        state.Set(1, "1");
        state.Set("2", 2);
        state.Set(0.25, null);
        lock (state.ListGate)
        {
            state.List.Reverse();
        }
    }

    private static Snapshot Read(State state)
    {
        List<int> list;
        lock (state.ListGate)
        {
            list = [.. state.List];
        }
        var dict = state.Order.Select(k => new KeyValuePair<object, object?>(k, state.Dict[k])).ToList();
        return new Snapshot(dict, list);
    }

    /// <summary>Writer and reader started together, as the article does; returns (what the reader saw, final state).</summary>
    public static async Task<(Snapshot Seen, Snapshot Final)> AsTheArticleAsync(CancellationToken cancellationToken = default)
    {
        var state = new State();
        var writing = Task.Run(() => Write(state), cancellationToken);
        var reading = Task.Run(() => Read(state), cancellationToken); // may run before the writer
        await Task.WhenAll(writing, reading).WaitAsync(Timeouts.Short, cancellationToken);
        return (await reading, Read(state));
    }

    /// <summary>The article's output, guaranteed: the reader starts after the writer finished.</summary>
    public static async Task<Snapshot> InOrderAsync(CancellationToken cancellationToken = default)
    {
        var state = new State();
        await Task.Run(() => Write(state), cancellationToken).WaitAsync(Timeouts.Short, cancellationToken);
        return await Task.Run(() => Read(state), cancellationToken).WaitAsync(Timeouts.Short, cancellationToken);
    }
    // </pool-tasks>

    /// <summary>Forces the other order: the writer waits until the reader is done.</summary>
    public static async Task<Snapshot> ReaderFirstAsync(CancellationToken cancellationToken = default)
    {
        var state = new State();
        var readerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.Run(async () =>
        {
            await readerDone.Task.WaitAsync(Timeouts.Short, cancellationToken);
            Write(state);
        }, cancellationToken);
        var seen = await Task.Run(() => Read(state), cancellationToken).WaitAsync(Timeouts.Short, cancellationToken);
        readerDone.SetResult();
        await writing.WaitAsync(Timeouts.Short, cancellationToken);
        return seen;
    }

    // <year>
    public static int Years(How how, int workers = Workers, int iterations = Iterations)
    {
        var plain = new Dictionary<string, int> { ["year"] = StartYear };
        var gate = new Lock();
        var concurrent = new ConcurrentDictionary<string, int> { ["year"] = StartYear };
        Action body = how switch
        {
            // Not even defined behaviour: Dictionary allows no concurrent writers. It "only" loses updates here
            // because the key exists and the table never resizes.
            How.DictionaryUnlocked => () => Repeat(iterations, () => plain["year"] += 1),
            How.DictionaryLocked => () => Repeat(iterations, () =>
            {
                lock (gate)
                {
                    plain["year"] += 1;
                }
            }),
            // Each call is thread-safe, but += is a get and then a set: updates are lost, as with a Manager dict.
            How.ConcurrentIndexer => () => Repeat(iterations, () => concurrent["year"] += 1),
            // One atomic step per key: retried internally until no other thread changed the value meanwhile.
            How.ConcurrentAddOrUpdate => () => Repeat(iterations, () => concurrent.AddOrUpdate("year", StartYear + 1, (_, year) => year + 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
        };
        LinedUpThreads.Run(workers, body, Timeouts.Short);
        return how is How.DictionaryUnlocked or How.DictionaryLocked ? plain["year"] : concurrent["year"];
    }
    // </year>

    // <year-step-by-step>
    /// <summary>
    /// concurrent["year"] += 1 split in its get and its set, on two threads: A gets and pauses,
    /// B gets and sets, A sets. Returns the years added (1 or 2) and whether B got during A's pause.
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

    private static void Repeat(int times, Action action)
    {
        for (var i = 0; i < times; i++)
        {
            action();
        }
    }

    public static string Format(Snapshot s) =>
        $"{{{string.Join(", ", s.Dict.Select(kv => $"{kv.Key}: {kv.Value ?? "null"}"))}}} [{string.Join(", ", s.List)}]";

    public static async Task RunAsync(ConceptContext ctx)
    {
        var (seen, final) = await AsTheArticleAsync(ctx.CancellationToken);
        ctx.Out.WriteLine($"[article] reader saw {Format(seen)}; afterwards {Format(final)}");
        ctx.Out.WriteLine($"[in order] reader saw {Format(await InOrderAsync(ctx.CancellationToken))}");
        ctx.Out.WriteLine($"[reader first] reader saw {Format(await ReaderFirstAsync(ctx.CancellationToken))}");
        ctx.Out.WriteLine($"year, {Workers} threads x {Iterations} += 1, ideal {StartYear + (Workers * Iterations)}");
        foreach (var how in Enum.GetValues<How>())
        {
            ctx.Out.WriteLine($"{how}: {Years(how)}");
        }
        ctx.Out.WriteLine($"get, pause, set (two threads): {YearStepByStep(locked: false).Added} of 2 years added");
        ctx.Out.WriteLine($"the same holding a lock:       {YearStepByStep(locked: true).Added} of 2 years added");
    }
}

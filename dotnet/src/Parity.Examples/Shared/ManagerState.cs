using System.Collections.Concurrent;

namespace Parity.Examples.Shared;

/// <summary>
/// shared.manager's shared state: a thread-safe dictionary that remembers the order its keys were
/// set in (a snapshot lists them as Python's dict does) and a list guarded by its own lock.
/// </summary>
internal sealed class ManagerState
{
    public readonly ConcurrentDictionary<object, object?> Dict = new();
    public readonly ConcurrentQueue<object> Order = new();
    public readonly List<int> List = [.. Enumerable.Range(0, 10)];
    public readonly Lock ListGate = new();

    public void Set(object key, object? value)
    {
        Dict[key] = value;
        Order.Enqueue(key);
    }

    /// <summary>Runs <paramref name="action"/> <paramref name="times"/> times.</summary>
    public static void Repeat(int times, Action action)
    {
        for (var i = 0; i < times; i++)
        {
            action();
        }
    }
}

/// <summary>What a reader saw: the dictionary in insertion order, and the list.</summary>
public sealed record Snapshot(
    IReadOnlyList<KeyValuePair<object, object?>> Dict, IReadOnlyList<int> List)
{
    /// <summary>As Python prints a dict and a list: {1: 1, 2: 2, 0.25: null} [9, 8, ...].</summary>
    public string Format()
    {
        var pairs = string.Join(", ", Dict.Select(kv => $"{kv.Key}: {kv.Value ?? "null"}"));
        return $"{{{pairs}}} [{string.Join(", ", List)}]";
    }
}

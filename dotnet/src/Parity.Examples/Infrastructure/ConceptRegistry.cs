using System.Reflection;

namespace Parity.Examples.Infrastructure;

/// <summary>One .NET concept found by reflection: its id and its entry points.</summary>
public sealed record ConceptInfo(string Id, Type Type)
{
    public Task RunAsync(ConceptContext ctx) =>
        (Task)Invoke("RunAsync", [typeof(ConceptContext)], [ctx]);

    public bool HasChild => Type.GetMethod("ChildAsync", [typeof(ConceptContext), typeof(string[])]) is not null;

    public Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
        (Task<int>)Invoke("ChildAsync", [typeof(ConceptContext), typeof(string[])], [ctx, args]);

    private object Invoke(string name, Type[] signature, object[] arguments)
    {
        var method = Type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, signature)
            ?? throw new InvalidOperationException($"{Type.FullName} has no public static {name}.");
        try
        {
            return method.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // Surface the concept's own exception, not reflection's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>Every concept in this assembly, keyed by its catalog id.</summary>
public static class ConceptRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<string, ConceptInfo>> All = new(() =>
        typeof(ConceptRegistry).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<ConceptAttribute>()))
            .Where(x => x.Attr is not null)
            .ToDictionary(x => x.Attr!.Id, x => new ConceptInfo(x.Attr!.Id, x.Type), StringComparer.Ordinal));

    public static IReadOnlyCollection<string> Ids => [.. All.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string id, out ConceptInfo concept) => All.Value.TryGetValue(id, out concept!);

    public static ConceptInfo Get(string id) =>
        TryGet(id, out var concept) ? concept : throw new UnknownConceptException(id, Closest(id));

    /// <summary>Ids that look like the one asked for, for a helpful error line.</summary>
    public static IReadOnlyList<string> Closest(string id, int max = 3) =>
        [.. All.Value.Keys
            .Select(k => (Id: k, Distance: Levenshtein(id, k)))
            .Where(x => x.Distance <= Math.Max(3, id.Length / 2) || x.Id.StartsWith(id, StringComparison.Ordinal))
            .OrderBy(x => x.Distance).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Id)];

    /// <summary>Runs one concept and returns everything it wrote: what the bridge calls.</summary>
    public static async Task<string> RunToStringAsync(string id, double timeScale, CancellationToken cancellationToken = default)
    {
        using var writer = new StringWriter();
        await Get(id).RunAsync(new ConceptContext(writer, timeScale, cancellationToken)).ConfigureAwait(false);
        return writer.ToString();
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}

public sealed class UnknownConceptException(string id, IReadOnlyList<string> closest)
    : KeyNotFoundException(closest.Count > 0
        ? $"unknown concept '{id}'; did you mean: {string.Join(", ", closest)}?"
        : $"unknown concept '{id}'; 'list' shows every id")
{
    public string Id { get; } = id;
}

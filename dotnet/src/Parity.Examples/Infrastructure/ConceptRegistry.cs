using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Parity.Examples.Infrastructure;

/// <summary>One .NET concept found by reflection: its id and its entry points, bound once when
/// the registry is built, so a concept without RunAsync fails at start-up, not when it is run.</summary>
public sealed record ConceptInfo(
    string Id,
    Type Type,
    Func<ConceptContext, Task> Run,
    Func<ConceptContext, string[], Task<int>>? Child)
{
    public Task RunAsync(ConceptContext ctx) => Run(ctx);

    public bool HasChild => Child is not null;

    public Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
        (Child ?? throw new InvalidOperationException($"{Type.FullName} has no public static ChildAsync."))(
            ctx, args);

    /// <summary>Binds the type's public static RunAsync (required) and ChildAsync (optional).</summary>
    public static ConceptInfo Bind(string id, Type type) => new(
        id,
        type,
        Entry<Func<ConceptContext, Task>>(type, "RunAsync")
            ?? throw new InvalidOperationException(
                $"{type.FullName} has no public static Task RunAsync(ConceptContext)."),
        Entry<Func<ConceptContext, string[], Task<int>>>(type, "ChildAsync"));

    private static T? Entry<T>(Type type, string name)
        where T : Delegate
    {
        var signature = typeof(T).GetMethod("Invoke")!;
        var method = type.GetMethod(
            name,
            BindingFlags.Public | BindingFlags.Static,
            [.. signature.GetParameters().Select(p => p.ParameterType)]);
        return method is null || method.ReturnType != signature.ReturnType
            ? null
            : method.CreateDelegate<T>();
    }
}

/// <summary>Every concept in this assembly, keyed by its catalog id. The ids are read from the
/// assembly's metadata, so a program that runs one concept loads that concept's type alone (a
/// scan of every type loads Orleans, Redis and twenty more assemblies). A concept is bound the
/// first time it is asked for, before it runs; a test binds them all.</summary>
public static class ConceptRegistry
{
    private static readonly Assembly Examples = typeof(ConceptRegistry).Assembly;
    private static readonly Lazy<IReadOnlyDictionary<string, string>> TypeNames =
        new(ReadTypeNames);
    private static readonly ConcurrentDictionary<string, ConceptInfo> Bound =
        new(StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Ids =>
        [.. TypeNames.Value.Keys.Order(StringComparer.Ordinal)];

    public static bool TryGet(string id, out ConceptInfo concept)
    {
        concept = TypeNames.Value.TryGetValue(id, out var name)
            ? Bound.GetOrAdd(
                id, key => ConceptInfo.Bind(key, Examples.GetType(name, throwOnError: true)!))
            : null!;
        return concept is not null;
    }

    public static ConceptInfo Get(string id) =>
        TryGet(id, out var concept) ? concept : throw new UnknownConceptException(id, Closest(id));

    /// <summary>Ids that look like the one asked for, for a helpful error line.</summary>
    public static IReadOnlyList<string> Closest(string id, int max = 3) =>
        [.. TypeNames.Value.Keys
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

    /// <summary>Concept id to type name, from each Concept attribute in the metadata.</summary>
    private static Dictionary<string, string> ReadTypeNames()
    {
        using var file = new PEReader(File.OpenRead(Examples.Location));
        var metadata = file.GetMetadataReader();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in metadata.TypeDefinitions.Select(metadata.GetTypeDefinition))
        {
            var attributes = type.GetCustomAttributes().Select(metadata.GetCustomAttribute);
            foreach (var attribute in attributes)
            {
                if (IsConceptAttribute(metadata, attribute.Constructor))
                {
                    var blob = metadata.GetBlobReader(attribute.Value);
                    blob.ReadUInt16(); // the prolog (0x0001), then the id as a serialized string
                    names.Add(blob.ReadSerializedString()!, FullName(metadata, type));
                }
            }
        }
        return names;
    }

    private static bool IsConceptAttribute(MetadataReader metadata, EntityHandle constructor)
    {
        if (constructor.Kind != HandleKind.MethodDefinition)
        {
            return false; // an attribute defined in another assembly
        }
        var declaring = metadata.GetTypeDefinition(
            metadata.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType());
        return FullName(metadata, declaring) == typeof(ConceptAttribute).FullName;
    }

    /// <summary>The name Assembly.GetType takes: Namespace.Type, or Outer+Nested.</summary>
    private static string FullName(MetadataReader metadata, TypeDefinition type)
    {
        var name = metadata.GetString(type.Name);
        var outer = type.GetDeclaringType();
        return !outer.IsNil ? $"{FullName(metadata, metadata.GetTypeDefinition(outer))}+{name}"
            : type.Namespace.IsNil ? name
            : $"{metadata.GetString(type.Namespace)}.{name}";
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

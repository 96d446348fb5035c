namespace Parity.Examples.Infrastructure;

/// <summary>
/// Marks a static class as the .NET side of one catalog concept. The id is the same slug the
/// catalog (comparisons/catalog/) and the Python module use, e.g. "pool.callbacks".
/// The class must have <c>public static Task RunAsync(ConceptContext ctx)</c>; a concept that
/// starts a copy of the program as a child also has
/// <c>public static Task&lt;int&gt; ChildAsync(ConceptContext ctx, string[] args)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConceptAttribute(string id) : Attribute
{
    public string Id { get; } = id;
}

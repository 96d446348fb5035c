using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests;

public sealed class ConceptRegistryTests
{
    private static class NoEntryPoint
    {
    }

    private static class WrongSignature
    {
        public static Task RunAsync(TextWriter output) => output.WriteLineAsync("unused");
    }

    private static class WithChild
    {
        public static Task RunAsync(ConceptContext ctx) => ctx.Out.WriteLineAsync("parent");

        public static Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
            Task.FromResult(args.Length);
    }

    [Fact]
    public void Bind_NoRunAsync_FailsAtOnce()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => ConceptInfo.Bind("test.none", typeof(NoEntryPoint)));
        Assert.Contains("has no public static Task RunAsync(ConceptContext)", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RunAsyncOfAnotherSignature_FailsAtOnce() =>
        Assert.Throws<InvalidOperationException>(
            () => ConceptInfo.Bind("test.wrong", typeof(WrongSignature)));

    [Fact]
    public async Task Bind_RunAndChild_CallsTheBoundMethods()
    {
        var concept = ConceptInfo.Bind("test.child", typeof(WithChild));

        Assert.True(concept.HasChild);
        Assert.Equal("parent" + Environment.NewLine, await Ctx.RunAsync(concept.RunAsync));
        Assert.Equal(2, await concept.ChildAsync(Ctx.Create(out _), ["a", "b"]));
    }

    [Fact]
    public void Registry_IdsReadFromMetadata_AreTheTypesReflectionFinds()
    {
        // The registry reads [Concept] attributes from metadata without loading types; reflection,
        // which loads every type, must find exactly the same ids on the same types.
        var reflected = typeof(ConceptRegistry).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttributes(typeof(ConceptAttribute), false)
                .Cast<ConceptAttribute>().SingleOrDefault()))
            .Where(x => x.Attr is not null)
            .ToDictionary(x => x.Attr!.Id, x => x.Type, StringComparer.Ordinal);

        Assert.True(reflected.Count > 50, $"only {reflected.Count} concepts found by reflection");
        Assert.Equal(reflected.Keys.Order(StringComparer.Ordinal), ConceptRegistry.Ids);
        Assert.All(reflected, pair => Assert.Same(pair.Value, ConceptRegistry.Get(pair.Key).Type));
    }

    [Fact]
    public void Registry_EveryConcept_HasItsRunAsyncBound() =>
        Assert.All(ConceptRegistry.Ids, id => Assert.NotNull(ConceptRegistry.Get(id).Run));
}

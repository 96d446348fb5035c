using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Parity.Examples.Plinq;

namespace Parity.Examples.Tests.Plinq;

public sealed class AggregateTests
{
    private static readonly long[] Values = Aggregate.Numbers(100_000);
    private static readonly long Total = 100_000L * 100_001L / 2;

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-7L)]
    public void SeedAndFunc_AnySeed_CountsTheSeedOnceLikeSequential(long seed)
    {
        Assert.Equal(Values.Aggregate(seed, (t, x) => t + x), Aggregate.SeedAndFunc(Values, seed));
        Assert.Equal(Total + seed, Aggregate.SeedAndFunc(Values, seed));
    }

    [Fact]
    public void SeedAndFunc_NonAssociativeFunc_StillEqualsSequential()
    {
        var parallel = Values.AsParallel().Aggregate(10L, (t, x) => t - x);
        Assert.Equal(Values.Aggregate(10L, (t, x) => t - x), parallel);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void SeedPerPartition_SeedOne_AddsTheSeedOncePerPartition(int partitions)
    {
        var result = Aggregate.SeedPerPartition(Values, seed: 1, partitions);
        Assert.NotEqual(Total + 1, result);
        // Every partition starts from the seed: the excess is one seed per partition.
        Assert.InRange(result - Total, 2, partitions);
        Assert.Equal(Total, Aggregate.SeedPerPartition(Values, seed: 0, partitions));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void SeedFactory_SeedAppliedInResultSelector_IsCorrectInParallel(int partitions) =>
        Assert.Equal(Total + 1, Aggregate.SeedFactory(Values, seed: 1, partitions));

    [Fact]
    public void SubtractInParallel_NonAssociativeFunc_DiffersFromSequential()
    {
        var sequential = Values.Aggregate((l, r) => l - r);
        Assert.NotEqual(sequential, Aggregate.SubtractInParallel(Values, partitions: 2));
        Assert.Equal(sequential, Aggregate.SubtractInParallel(Values, partitions: 1));
    }

    [Fact]
    public void DistinctAccumulators_ListSeedValue_IsOneListSharedByAllPartitions()
    {
        Assert.Equal(1, Aggregate.DistinctAccumulators(Values, partitions: 4, useFactory: false));
        Assert.InRange(Aggregate.DistinctAccumulators(Values, partitions: 4, useFactory: true), 2, 4);
    }

    [Fact]
    public async Task RunAsync_Always_ShowsTheSeedCountedOnceAndPerPartition()
    {
        var text = await Ctx.RunAsync(Aggregate.RunAsync);
        Assert.Contains($"Aggregate(seed 1, func):            {Total + 1} (seed counted once)", text, StringComparison.Ordinal);
        Assert.Contains($"Aggregate(seedFactory 0, ..., +1):  {Total + 1}", text, StringComparison.Ordinal);
        Assert.Contains($"Aggregate(seed 1, update, combine): {Total + 4} ", text, StringComparison.Ordinal);
    }

    /// <summary>The error ids Roslyn reports for a method placed in a class with the usual usings.</summary>
    private static string[] CompileErrors(string method)
    {
        var source = $$"""
            using System.Collections.Generic;
            using System.Linq;
            static class Snippet
            {
            {{method}}
            }
            """;
        // The running framework's own assemblies are enough to compile against.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "ArticleSnippet",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.Id)
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void ArticleForm_IntSeedOverListOfLong_DoesNotCompile()
    {
        Assert.Equal(["CS0266", "CS1662"], CompileErrors(Aggregate.ArticleForm));
    }

    [Fact]
    public void ArticleForm_LongSeed_CompilesAndSums()
    {
        Assert.Empty(CompileErrors(Aggregate.ArticleForm.Replace("seed: 0,", "seed: 0L,", StringComparison.Ordinal)));
        Assert.Equal(Total, Aggregate.SumAll([.. Values]));
    }
}

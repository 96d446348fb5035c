using System.Text.RegularExpressions;
using Parity.Examples.Shared;

namespace Parity.Examples.Tests.Shared;

public sealed partial class ValueArrayTests
{
    private static readonly int[] BothWritten = [10, 10, 2, 3, 4, 5, 6, 7, 8, 9];

    [GeneratedRegex(@"\[child (?<n>\d)\] value=3\.14 before: \[(?<before>[^\]]*)\]")]
    private static partial Regex BeforeLine();

    [Fact]
    public async Task ShareAcrossProcesses_TwoChildrenWriteSlots_ParentSeesBothWrites()
    {
        var result = await ValueArray.ShareAcrossProcessesAsync();

        Assert.Equal(3.14, result.Value);
        Assert.Equal(BothWritten, result.Array);
        Assert.Equal(2, result.ChildOutput.Count);
    }

    [Fact]
    public async Task ShareAcrossProcesses_EachChild_SeesTheDoubleAndTheOtherSlotOnlyIfAlreadyWritten()
    {
        var result = await ValueArray.ShareAcrossProcessesAsync();

        foreach (var (output, n) in result.ChildOutput.Select((o, i) => (o, i + 1)))
        {
            var match = BeforeLine().Match(output);
            Assert.True(match.Success, output);
            Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups["n"].Value);
            var before = match.Groups["before"].Value.Split(", ").Select(int.Parse).ToArray();
            var other = n == 1 ? 1 : 0;
            Assert.Equal(n - 1, before[n - 1]);             // its own slot: not yet written
            Assert.Contains(before[other], new[] { other, 10 }); // the other's: depends on who ran first
        }
    }

    [Fact]
    public void ShareAcrossThreads_TwoThreadsWriteSlots_ArrayHasBoth()
    {
        Assert.Equal(BothWritten, ValueArray.ShareAcrossThreads());
    }

    [Fact]
    public async Task Run_PrintsTheParentsView()
    {
        var text = await Ctx.RunAsync(ValueArray.RunAsync);
        Assert.Contains("[parent] value=3.14 array=[10, 10, 2, 3, 4, 5, 6, 7, 8, 9]", text, StringComparison.Ordinal);
    }
}

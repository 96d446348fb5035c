using System.Globalization;
using System.Text.RegularExpressions;
using Parity.Examples.Infrastructure;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Processes;

public sealed partial class BasicTests
{
    [GeneratedRegex(@"\[child (?<name>\w+)\] pid=(?<pid>\d+) ppid=(?<ppid>\d+)")]
    private static partial Regex ChildLine();

    [Fact]
    public async Task Child_ReportsParentPid_AsItsParent()
    {
        var child = await Basic.StartChildAsync("tested", Timeouts.Short, CancellationToken.None);

        var match = ChildLine().Match(child.Output);
        Assert.True(match.Success, child.Output);
        Assert.Equal("tested", match.Groups["name"].Value);
        Assert.Equal(child.Pid, int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture));
        var ppid = int.Parse(match.Groups["ppid"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Environment.ProcessId, ppid); // getppid() on every Unix, macOS included
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public async Task Run_PrintsParentAndChild_AndTheExitCode()
    {
        var text = await Ctx.RunAsync(Basic.RunAsync);
        Assert.Contains($"[parent] pid={Environment.ProcessId}", text, StringComparison.Ordinal);
        Assert.Matches(ChildLine(), text);
        Assert.Contains("exited with code 0", text, StringComparison.Ordinal);
    }
}

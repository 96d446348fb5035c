using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests;

/// <summary>The console host as a user meets it: exit codes and one-line errors.</summary>
public sealed class CliTests
{
    private static async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        await using var cli = ChildProcess.Start(new Process { StartInfo = SelfLauncher.CliStartInfo(args) });
        var run = await cli.WaitAsync(Timeouts.Long, CancellationToken.None);
        return (run.ExitCode, run.Output, run.Error);
    }

    [Fact]
    public async Task List_PrintsEveryRegisteredId()
    {
        var (code, output, _) = await CliAsync("list");
        Assert.Equal(0, code);
        Assert.Equal(ConceptRegistry.Ids, output.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_PrintsUsageOnStdout_ExitCode0(string flag)
    {
        var (code, output, error) = await CliAsync(flag);
        Assert.Equal(0, code);
        Assert.StartsWith("usage: Parity.Cli list | run ID", output, StringComparison.Ordinal);
        Assert.Contains("`invoke list` shows every concept", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(new[] { "run", "plinq.su" }, "parity: unknown concept 'plinq.su'; did you mean: plinq.sum")]
    [InlineData(new[] { "run", "plinq.sum", "--time-scale", "-1" }, "parity: bad options '--time-scale -1'")]
    [InlineData(new[] { "frobnicate" }, "parity: usage:")]
    public async Task BadInput_OneLineOnStderr_ExitCode2(string[] args, string expected)
    {
        var (code, _, error) = await CliAsync(args);
        Assert.Equal(2, code);
        var line = Assert.Single(error.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Child_WhoseEntryPointThrows_ReportsOneLine_ExitCode1()
    {
        var (code, _, error) = await CliAsync("child", "plinq.sum");
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("parity: child plinq.sum failed: InvalidOperationException: Parity.Examples.Plinq.Sum has no public static ChildAsync.", line);
    }
}

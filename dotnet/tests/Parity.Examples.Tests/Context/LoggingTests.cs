using Microsoft.Extensions.Logging;
using Parity.Examples.Context;

namespace Parity.Examples.Tests.Context;

public sealed class LoggingTests
{
    private static readonly string[] Lifecycle =
    [
        "child process calling Run()",
        "process shutting down",
        "process exiting with exit code 0",
    ];

    private static async Task<(IReadOnlyList<Logging.Record> Records, string Text)> SessionAsync(LogLevel level)
    {
        using var output = new StringWriter();
        await Logging.RunSessionAsync(output, level, CancellationToken.None);
        var text = output.ToString();
        return (Logging.Parse(text), text);
    }

    [Fact]
    public async Task Session_Information_ShowsTheChildLifecycleAndTheParentShutdownLast()
    {
        var (records, text) = await SessionAsync(LogLevel.Information);

        Assert.Equal(Lifecycle, records.Where(r => r.Process == "Process-1").Select(r => r.Message));
        Assert.Equal(new Logging.Record("Information", "MainProcess", "process shutting down"), records[^1]);
        Assert.Equal("parent: starting 1 children", records[0].Message);
        Assert.Contains("work done in Process-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Level == "Debug");
    }

    [Fact]
    public async Task Session_Warning_LogsNothing_ButTheChildStillWorks()
    {
        var (records, text) = await SessionAsync(LogLevel.Warning);

        Assert.Empty(records);
        Assert.Contains("work done in Process-1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_Debug_AddsTheParentsDebugLine()
    {
        var (records, _) = await SessionAsync(LogLevel.Debug);

        var debug = Assert.Single(records, r => r.Level == "Debug");
        Assert.Equal("MainProcess", debug.Process);
        Assert.Matches(@"^child \d+ exited with code 0$", debug.Message);
    }

    [Fact]
    public void Provider_DefaultMinimumIsInformation_WritesMultiprocessingsFormatToTheWriter()
    {
        using var output = new StringWriter();
        using (var factory = LoggerFactory.Create(b => b.AddProvider(new TextWriterLoggerProvider(output, "MainProcess"))))
        {
            var logger = factory.CreateLogger("multiprocessing");
#pragma warning disable CA1848 // a one-off call in a test, not a hot path
            logger.LogDebug("debug is below the default minimum level");
            logger.LogInformation("info test");
            logger.LogWarning("warning test");
#pragma warning restore CA1848
        }
        // The factory's default minimum is Information; Python's unset logger says WARNING.
        Assert.Equal(
            "[Information/MainProcess] info test\n[Warning/MainProcess] warning test",
            output.ToString().ReplaceLineEndings("\n").Trim());
    }

    [Fact]
    public async Task RunAsync_WritesTheLifecycleToCtxOut()
    {
        var text = await Ctx.RunAsync(Logging.RunAsync);
        Assert.Contains("[Information/Process-1] child process calling Run()", text, StringComparison.Ordinal);
    }
}

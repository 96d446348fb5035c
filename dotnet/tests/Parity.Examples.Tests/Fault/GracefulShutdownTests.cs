using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Parity.Examples.Fault;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests.Fault;

public sealed partial class GracefulShutdownTests
{
    private const string Concept = "fault.graceful-shutdown";
    private const string Posix = "sends SIGTERM/SIGINT to another program: POSIX only";

    [GeneratedRegex(@"stopped: (\d+) jobs finished, (\d+) cut short")]
    private static partial Regex Stopped();

    private static (int Finished, int CutShort) Count(string output)
    {
        var match = Stopped().Match(output);
        Assert.True(match.Success, output);
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [UnixFact(Posix)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StopAServer_SigtermWithJobsInFlight_StopsTakingJobsAndFinishesTheRest()
    {
        var outcome = await ShutdownHarness.StopAServerAsync(
            Concept, "drain", PosixSignal.SIGTERM, CancellationToken.None);
        Assert.Equal(GracefulShutdown.Drained, outcome.ExitCode);
        Assert.Contains("got SIGTERM: taking no new jobs", outcome.Output, StringComparison.Ordinal);
        var (finished, cutShort) = Count(outcome.Output);
        Assert.Equal(0, cutShort);
        Assert.Equal(Regex.Count(outcome.Output, "started"), finished); // every job it took, it finished
    }

    [UnixFact(Posix)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StopAServer_CtrlCPastTheDeadline_CutsTheJobsInFlightShort()
    {
        var outcome = await ShutdownHarness.StopAServerAsync(
            Concept, "stuck", PosixSignal.SIGINT, CancellationToken.None);
        Assert.Equal(GracefulShutdown.CutShort, outcome.ExitCode);
        Assert.Contains("got SIGINT", outcome.Output, StringComparison.Ordinal);
        Assert.Equal((0, 2), Count(outcome.Output));
    }

    [UnixFact(Posix)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StopAServer_SigtermWithoutAHandler_Exit143AndNoProcessExitOnDotnet10()
    {
        var outcome = await ShutdownHarness.StopAServerAsync(
            Concept, "default", PosixSignal.SIGTERM, CancellationToken.None);
        Assert.Equal(128 + 15, outcome.ExitCode);
        Assert.True(Environment.Version.Major >= 10, "this test decides the .NET 10 behaviour");
        Assert.DoesNotContain("ProcessExit ran", outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("drain", GracefulShutdown.Drained, 2, 0)]
    [InlineData("stuck", GracefulShutdown.CutShort, 0, 2)]
    public async Task StopInProcess_TokenCancelledAfterTwoStarts_DrainsOrCutsShortLikeASignal(string mode, int exitCode, int finished, int cutShort)
    {
        var ctx = Ctx.Create(out _);
        var outcome = await ShutdownHarness.StopInProcessAsync(
            (log, token) => GracefulShutdown.ServeAsync(mode, ctx, log, token), ctx.CancellationToken);
        Assert.Equal(exitCode, outcome.ExitCode);
        var counted = Count(outcome.Output);
        Assert.Equal(cutShort, counted.CutShort);
        if (mode == "drain")
        {
            Assert.Equal(Regex.Count(outcome.Output, "started"), counted.Finished); // every job it took, it finished
            Assert.True(counted.Finished >= finished);
        }
        else
        {
            Assert.Equal(finished, counted.Finished);
        }
    }
}

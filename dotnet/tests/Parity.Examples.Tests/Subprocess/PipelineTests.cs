using Parity.Examples.Infrastructure;
using Parity.Examples.Subprocess;

namespace Parity.Examples.Tests.Subprocess;

public sealed class PipelineTests
{

    [Fact]
    public async Task RunPipeline_TableIntoGrep_KeepsTheMatchingRows()
    {
        var result = await Pipeline.RunPipelineAsync(
            Pipeline.Child("table"), Pipeline.Child("grep", "bash"), Timeouts.Long, Timeouts.Long, CancellationToken.None);

        Assert.Equal("101  bash\n103  bash -l\n", result.Output.ReplaceLineEndings("\n"));
        Assert.True(result.ProducerEndedByItself);
        Assert.Equal(0, result.ProducerExitCode);
    }

    [Fact]
    public async Task RunPipeline_ConsumerExitsEarly_DotnetProducerNeverNoticesAndIsKilled()
    {
        var result = await Pipeline.RunPipelineAsync(
            Pipeline.Child("endless"), Pipeline.Child("head", "3"), Timeouts.Long, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal("line 0\nline 1\nline 2\n", result.Output.ReplaceLineEndings("\n"));
        // Console swallows the broken pipe (EPIPE on Unix, ERROR_NO_DATA on Windows): the
        // producer keeps writing into the void, so the parent had to kill it.
        Assert.False(result.ProducerEndedByItself);
        Assert.NotEqual(0, result.ProducerExitCode);
    }

    [Fact]
    public async Task RunAsync_ShowsGrepAndHead()
    {
        var text = (await Ctx.RunAsync(Pipeline.RunAsync)).ReplaceLineEndings("\n");
        Assert.Contains("table | grep bash:\n101  bash\n103  bash -l\n", text, StringComparison.Ordinal);
        Assert.Contains("endless | head 3:\nline 0\nline 1\nline 2\n", text, StringComparison.Ordinal);
        Assert.Contains("producer ended by itself: False", text, StringComparison.Ordinal);
    }
}

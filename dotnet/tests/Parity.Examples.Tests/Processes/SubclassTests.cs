using Parity.Examples.Infrastructure;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Processes;

public sealed class SubclassTests
{
    [Fact]
    public async Task Greeter_Started_RunsItsEntryPointInAChildCopy()
    {
        var greeter = new Subclass.Greeter("tested");

        var (exitCode, output) = await greeter.StartAndWaitAsync(Timeouts.Short, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Contains("[child greeter-tested]", output, StringComparison.Ordinal);
        Assert.Contains("greeting='TESTED'", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"] pid={Environment.ProcessId} ", output, StringComparison.Ordinal);
        Assert.Contains($" ppid={Environment.ProcessId} ", output, StringComparison.Ordinal);
        Assert.Equal("tested", greeter.Greeting); // what the child changed stayed in the child
    }

    [Fact]
    public void Process_IsNotSealed_ButHasNoHookThatRunsInTheChild()
    {
        var type = typeof(System.Diagnostics.Process);
        Assert.False(type.IsSealed);
        Assert.Null(type.GetMethod("Run"));
    }

    [Fact]
    public async Task Run_PrintsChildAndParentsUnchangedCopy()
    {
        var text = await Ctx.RunAsync(Subclass.RunAsync);
        Assert.Contains("greeting='CHEERFUL'", text, StringComparison.Ordinal);
        Assert.Contains("exited with code 0; our copy still says 'cheerful'", text, StringComparison.Ordinal);
    }
}

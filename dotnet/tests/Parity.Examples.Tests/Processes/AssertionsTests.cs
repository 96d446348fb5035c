using Parity.Examples.Infrastructure;
using Parity.Examples.Processes;

namespace Parity.Examples.Tests.Processes;

public sealed class AssertionsTests
{
    /// <summary>Runs the concept's child as RunAsync does: no crash dump when the assert aborts it.</summary>
    private static Task<SelfLauncher.ChildRun> DivideInChildAsync(CancellationToken token) =>
        SelfLauncher.RunAsync("process.assert", [], Timeouts.Short, token,
            new Dictionary<string, string> { ["DOTNET_DbgEnableMiniDump"] = "0" });

    [Fact]
    public void DivideChecked_ByZero_ThrowsArgumentOutOfRangeWithTheParameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Assertions.DivideChecked(1, 0));
        Assert.Equal("b", ex.ParamName);
        Assert.StartsWith("b ('0') must be a non-zero value. (Parameter 'b')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConditionalCall_SymbolUndefined_ArgumentsAreNeverEvaluated()
    {
        Assertions.CallExtraCheck();
        Assertions.CallExtraCheck();
        Assert.Equal(0, Assertions.Evaluated);
    }

    [Fact]
    public void DebugAssert_IsConditionalOnDebug_TraceAssertOnTrace()
    {
        static string Symbol(string type) => Type.GetType(type)!.GetMethod("Assert", [typeof(bool), typeof(string)])!
            .GetCustomAttributes(typeof(System.Diagnostics.ConditionalAttribute), false)
            .Cast<System.Diagnostics.ConditionalAttribute>().Single().ConditionString;

        Assert.Equal("DEBUG", Symbol("System.Diagnostics.Debug"));
        Assert.Equal("TRACE", Symbol("System.Diagnostics.Trace, System.Diagnostics.TraceSource"));
    }

    [Fact]
    public async Task DivideByZero_InAChild_DebugAssertEndsTheProcessOrReleaseThrows()
    {
        var (_, exitCode, _, error) = await DivideInChildAsync(CancellationToken.None);
        if (Assertions.Build.StartsWith("Debug", StringComparison.Ordinal))
        {
            // A failed Debug.Assert is not an exception: the runtime fails fast (SIGABRT on Unix).
            Assert.Contains("Assertion failed.", error, StringComparison.Ordinal);
            Assert.Contains("the divisor must not be zero", error, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(128 + 6, exitCode);
            }
            else
            {
                Assert.NotEqual(0, exitCode);
            }
        }
        else
        {
            // Release: the assert was compiled out, like python -O; the division itself throws,
            // and Parity.Cli reports the child's exception in one line with exit code 1.
            Assert.Equal(1, exitCode);
            Assert.Contains("DivideByZeroException: Attempted to divide by zero.", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_ShowsAllThreeBehaviours()
    {
        var text = await Ctx.RunAsync(Assertions.RunAsync);
        Assert.Contains("ArgumentOutOfRangeException", text, StringComparison.Ordinal);
        Assert.Contains("evaluated 0 times", text, StringComparison.Ordinal);
        Assert.Contains("Divide(1, 0) in a child: exit code", text, StringComparison.Ordinal);
    }
}

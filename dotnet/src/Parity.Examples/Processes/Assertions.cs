using System.Diagnostics;
using Parity.Examples.Infrastructure;
using static System.StringSplitOptions;

namespace Parity.Examples.Processes;

/// <summary>
/// process.assert: Python's assert disappears under python -O, .NET's Debug.Assert from Release
/// builds: it is [Conditional("DEBUG")], so the compiler drops the call, arguments and all. It
/// does not throw: it ends the process (Environment.FailFast), so here it fails only in a child.
/// Always-on checks throw (ThrowIfZero); Trace.Assert is [Conditional("TRACE")], on in Release.
/// </summary>
[Concept("process.assert")]
public static class Assertions
{
#if DEBUG
    public const string Build = "Debug (Debug.Assert compiled in)";
#else
    public const string Build = "Release (Debug.Assert compiled out)";
#endif
    // <assert>
    public static int Divide(int a, int b)
    {
        Debug.Assert(b != 0, "the divisor must not be zero"); // compiled out of Release builds
        return a / b; // integer division: DivideByZeroException (1.0 / 0 would be Infinity)
    }
    // </assert>
    // <always>
    /// <summary>A check that survives every build: an exception the caller can catch.</summary>
    public static int DivideChecked(int a, int b)
    {
        ArgumentOutOfRangeException.ThrowIfZero(b);
        return a / b;
    }
    // </always>
    // <conditional>
    public static int Evaluated { get; private set; }

    /// <summary>Debug.Assert's mechanism, under a symbol never defined: calls vanish.</summary>
    [Conditional("PARITY_EXTRA_CHECKS")]
    public static void ExtraCheck(bool condition, string text) => Trace.Assert(condition, text);

    public static void CallExtraCheck() => ExtraCheck(++Evaluated < 0, "never evaluated");
    // </conditional>
    public static async Task RunAsync(ConceptContext ctx)
    {
        void Say(string line) => ctx.Out.WriteLine(line);
        Say($"this build: {Build}");
        try
        {
            DivideChecked(1, 0);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            Say($"DivideChecked(1, 0): {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }
        CallExtraCheck();
        Say($"[Conditional] call removed: its argument was evaluated {Evaluated} times");
        // The child below: a failed Debug.Assert aborts it, and no crash dump is wanted.
        var noDump = new Dictionary<string, string> { ["DOTNET_DbgEnableMiniDump"] = "0" };
        var (_, exitCode, _, error) = await SelfLauncher.RunAsync(
            "process.assert", [], Timeouts.Short, ctx.CancellationToken, noDump);
        // stderr: Debug's "Assertion failed." and message, or Release's DivideByZeroException
        var said = string.Join(' ', error.Split('\n', RemoveEmptyEntries | TrimEntries).Take(3));
        Say($"Divide(1, 0) in a child: exit code {exitCode}; {said}");
    }

    public static Task<int> ChildAsync(ConceptContext ctx, string[] args) =>
        Task.FromResult(Divide(1, 0));
}

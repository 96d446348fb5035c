using System.Diagnostics;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Processes;

/// <summary>
/// process.assert: Python's assert disappears under python -O; .NET's Debug.Assert disappears
/// from Release builds, because it is marked [Conditional("DEBUG")]: the compiler drops the
/// call and does not even evaluate its arguments. A failing Debug.Assert does not throw: it
/// ends the process (Environment.FailFast), so this concept only lets it fail in a child copy
/// of the program. Validation that must always run throws instead (ThrowIfZero), and
/// Trace.Assert ([Conditional("TRACE")], defined in Release too) stays in shipped builds.
/// </summary>
[Concept("process.assert")]
public static class Assertions
{
    /// <summary>Whether this assembly was compiled with DEBUG, i.e. whether Debug.Assert calls exist in it.</summary>
#if DEBUG
    public static bool DebugBuild => true;
#else
    public static bool DebugBuild => false;
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
    private static int _evaluations;

    public static int Evaluations => Volatile.Read(ref _evaluations);

    /// <summary>Debug.Assert's mechanism: calls vanish unless the symbol is defined (it never is
    /// here).</summary>
    [Conditional("PARITY_EXTRA_CHECKS")]
    public static void ExtraCheck(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>Calls ExtraCheck with an argument that counts its evaluations: it stays 0.</summary>
    public static void CallExtraCheck() =>
        ExtraCheck(Interlocked.Increment(ref _evaluations) < 0, "never evaluated");
    // </conditional>

    public static async Task<(int ExitCode, string Output, string Error)> DivideInChildAsync(CancellationToken cancellationToken)
    {
        // A failed Debug.Assert aborts: no crash dump wanted.
        var child = await SelfLauncher.RunAsync("process.assert", ["1", "0"], Timeouts.Short, cancellationToken,
            new Dictionary<string, string> { ["DOTNET_DbgEnableMiniDump"] = "0" });
        return (child.ExitCode, child.Output, child.Error);
    }

    public static async Task RunAsync(ConceptContext ctx)
    {
        ctx.Out.WriteLine($"this build: {(DebugBuild ? "Debug (Debug.Assert compiled in)" : "Release (Debug.Assert compiled out)")}");
        try
        {
            DivideChecked(1, 0);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            ctx.Out.WriteLine($"DivideChecked(1, 0): {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }
        CallExtraCheck();
        ctx.Out.WriteLine($"[Conditional] call removed: its argument was evaluated {Evaluations} times");
        var (exitCode, output, error) = await DivideInChildAsync(ctx.CancellationToken);
        // Debug build: "Process terminated. Assertion failed. <message>" on stderr, then a stack trace.
        var said = string.Join(' ', error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));
        ctx.Out.WriteLine($"Divide(1, 0) in a child: exit code {exitCode}; {output.Trim()}{said}");
    }

    /// <summary>The child: Divide(a, b). Debug build: the assert ends the process; Release: the division throws.</summary>
    public static Task<int> ChildAsync(ConceptContext ctx, string[] args)
    {
        try
        {
            ctx.Out.WriteLine($"result {Divide(int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture))}");
            return Task.FromResult(0);
        }
        catch (DivideByZeroException ex)
        {
            ctx.Out.WriteLine($"{ex.GetType().Name}: {ex.Message}");
            return Task.FromResult(3);
        }
    }
}

using Parity.Examples.Infrastructure;

namespace Parity.Examples.Tests;

/// <summary>A ConceptContext that records output, at the tests' time scale (same as pytest's).</summary>
public static class Ctx
{
    public const double TestTimeScale = 0.05;

    public static ConceptContext Create(
        out StringWriter output,
        double timeScale = TestTimeScale,
        CancellationToken cancellationToken = default)
    {
        output = new StringWriter();
        return new ConceptContext(output, timeScale, cancellationToken);
    }

    /// <summary>Runs a concept's entry point at the tests' time scale, for at most Timeouts.Long;
    /// returns what it printed.</summary>
    public static async Task<string> RunAsync(
        Func<ConceptContext, Task> run,
        double timeScale = TestTimeScale,
        CancellationToken cancellationToken = default)
    {
        var ctx = Create(out var output, timeScale, cancellationToken);
        await run(ctx).WaitAsync(Timeouts.Long, cancellationToken);
        return output.ToString();
    }
}

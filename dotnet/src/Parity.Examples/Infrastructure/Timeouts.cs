using System.Diagnostics.CodeAnalysis;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// One pair of limits for every blocking wait, like CPython's test.support SHORT_TIMEOUT and
/// LONG_TIMEOUT (and the same values as parity.common.timing on the Python side). They are never
/// how long something takes, only how long we wait before calling it a hang, so they are generous;
/// <see cref="ScaleVariable"/> stretches both on a slow machine. The article's own durations are
/// scaled by <see cref="ConceptContext.TimeScaleVariable"/> instead.
/// </summary>
public static class Timeouts
{
    /// <summary>The environment variable both languages read to stretch the timeouts.</summary>
    public const string ScaleVariable = "PARITY_TIMEOUT_SCALE";

    /// <summary><see cref="ScaleVariable"/> as a number; unset means 1.0.</summary>
    public static double Scale { get; } = ScaleFromEnvironment();

    /// <summary>A wait that should end almost at once: a reply, a join, a child's start-up and exit.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Timeouts.Short reads as CPython's SHORT_TIMEOUT.")]
    public static TimeSpan Short { get; } = TimeSpan.FromSeconds(30) * Scale;

    /// <summary>A wait for a whole piece of work: a batch, a run of one concept, a fresh runtime.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Timeouts.Long reads as CPython's LONG_TIMEOUT.")]
    public static TimeSpan Long { get; } = TimeSpan.FromSeconds(60) * Scale;

    public static double ScaleFromEnvironment() => ConceptContext.ScaleFromEnvironment(ScaleVariable);
}

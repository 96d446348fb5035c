using System.Globalization;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// What a running concept gets from its host (the CLI, the Python bridge or a test):
/// where to write, how to scale the article's durations, and a token to stop early.
/// </summary>
public sealed class ConceptContext(TextWriter output, double timeScale = 1.0, CancellationToken cancellationToken = default)
{
    /// <summary>The environment variable both languages read for the time scale.</summary>
    public const string TimeScaleVariable = "PARITY_TIME_SCALE";

    /// <summary>
    /// Where the concept writes. Synchronized here, once, for every host: concepts write from
    /// several threads at once, and a StringWriter (the bridge's, a test's) is not thread-safe.
    /// </summary>
    public TextWriter Out { get; } = TextWriter.Synchronized(output);

    /// <summary>1.0 keeps the article's durations; run-all and the tests use less.</summary>
    public double TimeScale { get; } = timeScale > 0 && double.IsFinite(timeScale)
        ? timeScale
        : throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "The time scale must be a positive number.");

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>An article duration, scaled for this run.</summary>
    public TimeSpan Scale(TimeSpan articleDuration) => articleDuration * TimeScale;

    public TimeSpan Seconds(double articleSeconds) => Scale(TimeSpan.FromSeconds(articleSeconds));

    /// <summary>Reads <see cref="TimeScaleVariable"/>; unset means 1.0.</summary>
    public static double TimeScaleFromEnvironment() => ScaleFromEnvironment(TimeScaleVariable);

    /// <summary>A positive scale from an environment variable (this one, or PARITY_TIMEOUT_SCALE); unset means 1.0.</summary>
    internal static double ScaleFromEnvironment(string variable)
    {
        var raw = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return 1.0;
        }
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale > 0 && double.IsFinite(scale)
            ? scale
            : throw new ArgumentException($"{variable} must be a positive number, got '{raw}'.");
    }
}

using System.Globalization;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Phase marks for <c>invoke run-all --profile</c>: where a run's time goes (the runtime up, a
/// server ready), one line each on stderr that the runner strips. Silent unless PARITY_PROFILE=1,
/// so a reader running a concept never sees them (parity.common.phase is the Python side).
/// </summary>
public static class Phase
{
    public const string ProfileVariable = "PARITY_PROFILE";

    // The record separator first: no concept prints one.
    public const string Marker = "\u001eparity-phase ";

    /// <summary>Notes that this phase ended now (wall-clock seconds, so the runner can place it).</summary>
    public static void Mark(string name)
    {
        if (Environment.GetEnvironmentVariable(ProfileVariable) == "1")
        {
            var seconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Marker}{seconds:F3} {name}"));
        }
    }
}

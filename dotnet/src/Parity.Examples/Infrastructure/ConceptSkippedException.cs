namespace Parity.Examples.Infrastructure;

/// <summary>
/// Thrown by a concept that cannot run on this machine (a server program is missing). Hosts report
/// it as skipped, not failed: the CLI prints one line and exits with <see cref="ExitCode"/>, the
/// code the Python side uses too.
/// </summary>
public sealed class ConceptSkippedException(string reason) : Exception(reason)
{
    /// <summary>77: "skipped", as automake and meson use it.</summary>
    public const int ExitCode = 77;
}

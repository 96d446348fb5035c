using System.Security.Cryptography;
using System.Text;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// Unguessable names for named pipes that fit every platform. On Linux and macOS .NET makes a
/// pipe a Unix socket at TEMP/CoreFxPipe_NAME, and a socket's path has a hard limit: 104 bytes
/// with the final NUL on macOS (108 on Linux), where TEMP alone is about 49
/// (/var/folders/xx/.../T/). So the random part shrinks to what the temp folder leaves.
/// </summary>
public static class PipeNames
{
    /// <summary>The longest socket path every Unix accepts (macOS: 104, NUL included).</summary>
    public const int MaxSocketPathBytes = 103;

    /// <summary>Fewer random hex digits (64 bits) would be guessable: refuse instead.</summary>
    public const int MinRandomDigits = 16;

    private const int MaxRandomDigits = 32;

    /// <summary>A fresh name, PREFIX-HEX, for a pipe in this process's temp folder.</summary>
    public static string Unique(string prefix) =>
        Unique(prefix, OperatingSystem.IsWindows() ? null : Path.GetTempPath());

    /// <summary>
    /// As <see cref="Unique(string)"/>, with the temp folder given (null: Windows, where a pipe is
    /// \\.\pipe\NAME and has no socket path); testable for any platform on this one.
    /// </summary>
    public static string Unique(string prefix, string? tempPath)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var digits = MaxRandomDigits;
        if (tempPath is not null)
        {
            var taken = Encoding.UTF8.GetByteCount(SocketPath($"{prefix}-", tempPath));
            digits = Math.Min(digits, MaxSocketPathBytes - taken);
            if (digits < MinRandomDigits)
            {
                throw new InvalidOperationException(
                    $"the temp folder {tempPath} is too long for a named pipe's socket path "
                    + $"({MaxSocketPathBytes} bytes at most): set TMPDIR to a shorter folder");
            }
        }
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(MaxRandomDigits / 2));
        return $"{prefix}-{random[..digits]}";
    }

    /// <summary>Where .NET puts the socket of pipe NAME on Linux and macOS.</summary>
    public static string SocketPath(string name, string tempPath) =>
        Path.Combine(tempPath, $"CoreFxPipe_{name}");
}

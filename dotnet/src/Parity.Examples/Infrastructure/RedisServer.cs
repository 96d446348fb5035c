using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// A redis:// or rediss:// URL: what the worker and submit commands take with --redis, the same
/// form redis-py reads. The password comes from the URL or from PARITY_REDIS_PASSWORD, never from code.
/// </summary>
public sealed record RedisAddress(string Host, int Port, string? User, string? Password, int Database, bool Tls)
{
    public const string UrlVariable = "PARITY_REDIS_URL";
    public const string PasswordVariable = "PARITY_REDIS_PASSWORD";

    /// <summary>Reads the URL once. The user part ends at the last @, so a password may hold # / ? @
    /// as typed. FormatException names the part at fault and never repeats the URL: it may hold a password.</summary>
    public static RedisAddress Parse(string url)
    {
        var sep = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = sep < 0 ? string.Empty : url[..sep];
        if (scheme is not ("redis" or "rediss"))
        {
            throw new FormatException("not a redis:// or rediss:// URL");
        }
        var rest = url[(sep + 3)..];
        var at = rest.LastIndexOf('@');
        string? user = null, password = null;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        var location = rest[(at + 1)..];
        if (location.IndexOfAny(['?', '#']) >= 0)
        {
            throw new FormatException("the URL has query options or a fragment after the host: not supported");
        }
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        var hostPort = slash < 0 ? location : location[..slash];
        var dbText = slash < 0 ? string.Empty : location[(slash + 1)..].TrimEnd('/');
        string host = hostPort;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            // [IPv6]:port
            var end = hostPort.IndexOf(']', StringComparison.Ordinal);
            var after = end < 0 ? "?" : hostPort[(end + 1)..];
            if (after.Length > 0 && !after.StartsWith(':'))
            {
                throw new FormatException("the URL's IPv6 host is not in [brackets]");
            }
            host = hostPort[..(end + 1)];
            portText = after.Length > 0 ? after[1..] : null;
        }
        else if (hostPort.LastIndexOf(':') is var colon and >= 0)
        {
            host = hostPort[..colon];
            portText = hostPort[(colon + 1)..];
        }
        if (host.Length == 0 || (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')))
        {
            throw new FormatException("the URL has no host");
        }
        var port = portText is null ? 6379 : Number(portText, "port", 1, 65535);
        var database = dbText.Length == 0 ? 0 : Number(dbText, "database", 0, int.MaxValue);
        password ??= Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnv ? fromEnv : null;
        return new RedisAddress(host, port, string.IsNullOrEmpty(user) ? null : user, password, database, scheme == "rediss");
    }

    private static int Number(string text, string what, int low, int high) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= low && value <= high
            ? value
            : throw new FormatException($"the URL's {what} must be a number in {low}..{high}");

    // One connection attempt, not a limit: a caller that waits for a server retries until
    // Timeouts.Short (see WaitUntilReadyAsync), so no attempt may use up the whole wait.
    private static readonly TimeSpan ConnectAttempt = TimeSpan.FromSeconds(5);

    public ConfigurationOptions Options() => new()
    {
        EndPoints = { { Host, Port } },
        User = User,
        Password = Password,
        DefaultDatabase = Database,
        Ssl = Tls,
        AbortOnConnectFail = true,
        ConnectTimeout = (int)ConnectAttempt.TotalMilliseconds,
        ConnectRetry = 1,
        // The queue's roles may not run CONFIG (it would read the admin password), and the client
        // needs none of it: without this it asks for CONFIG GET on every connect.
        CommandMap = CommandMap.Create(new HashSet<string> { "CONFIG" }, available: false),
    };

    /// <summary>The URL with the password shown as ***: safe to print.</summary>
    public string Redacted() => Url(Password is null ? null : "***");

    /// <summary>The URL without the password, for a child's command line (the password goes in its environment).</summary>
    public string WithoutPassword() => Url(null);

    private string Url(string? password)
    {
        var user = User is null ? string.Empty : Uri.EscapeDataString(User);
        var credentials = password is null ? (user.Length > 0 ? $"{user}@" : string.Empty) : $"{user}:{password}@";
        return $"{(Tls ? "rediss" : "redis")}://{credentials}{Host}:{Port}/{Database}";
    }

    public override string ToString() => Redacted();
}

/// <summary>
/// A private redis-server child: 127.0.0.1, a port the OS had free, a generated password, a
/// temporary directory, no persistence unless asked (an append-only file, fsync on every write).
/// The configuration (password included) goes in on stdin, so it never shows in the process
/// list. Dispose stops it and removes the directory; the guardian does the same if this program
/// is killed first. RestartAsync stops it and starts it again on the same port and directory.
/// </summary>
public sealed class PrivateRedisServer : IAsyncDisposable
{
    public const string InstallHint =
        "redis-server is not installed: `sudo apt-get install redis-server` (Debian/Ubuntu), `brew install redis` (macOS), " +
        "or set PARITY_REDIS_URL=redis://:PASSWORD@HOST:PORT to use a running server";

    private readonly string _executable;
    private readonly string _directory;
    private readonly bool _appendOnly;
    private Process _process = null!;

    private PrivateRedisServer(string executable, string directory, int port, string password, bool appendOnly)
    {
        (_executable, _directory, _appendOnly) = (executable, directory, appendOnly);
        Address = new RedisAddress("127.0.0.1", port, null, password, 0, false);
    }

    public RedisAddress Address { get; }

    /// <summary>True when CI=true on a platform where CI installs redis-server: a missing server is then a broken setup, not a skip.</summary>
    public static bool Required =>
        RequiredWhere(Environment.GetEnvironmentVariable("CI"), OperatingSystem.IsWindows());

    /// <summary><see cref="Required"/> for a CI variable and a platform (tests force each).</summary>
    public static bool RequiredWhere(string? ci, bool windows) =>
        string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) && !windows;

    public static string? Executable()
    {
        var name = OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server";
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>PARITY_REDIS_URL if set (no server to stop), else a private server.</summary>
    public static async Task<(RedisAddress Address, PrivateRedisServer? Server)> UrlOrPrivateAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(RedisAddress.UrlVariable) is { Length: > 0 } url)
        {
            return (RedisAddress.Parse(url), null);
        }
        var server = await StartAsync(cancellationToken).ConfigureAwait(false);
        return (server.Address, server);
    }

    /// <summary>Starts one; <see cref="ConceptSkippedException"/> when redis-server is not installed.</summary>
    public static async Task<PrivateRedisServer> StartAsync(CancellationToken cancellationToken, bool appendOnly = false)
    {
        var executable = Executable() ?? throw new ConceptSkippedException(InstallHint);
        var directory = Directory.CreateTempSubdirectory("parity-redis-").FullName;
        Guardian.GuardFolder(directory);
        var server = new PrivateRedisServer(executable, directory, Ports.Free(),
            Convert.ToHexString(RandomNumberGenerator.GetBytes(18)), appendOnly);
        try
        {
            await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
            Phase.Mark("redis-server up");
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(_executable, "-")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        Guardian.Guard(_process);
        _process.StandardOutput.ReadToEndAsync(CancellationToken.None).Ignore();
        _process.StandardError.ReadToEndAsync(CancellationToken.None).Ignore();
        string[] persistence = _appendOnly ? ["appendonly yes", "appendfsync always"] : ["appendonly no"];
        await _process.StandardInput.WriteAsync(string.Join('\n', [
            "bind 127.0.0.1", $"port {Address.Port}", $"requirepass {Address.Password}", $"dir {_directory}",
            "save \"\"", .. persistence, "protected-mode yes", $"logfile {Path.Combine(_directory, "redis.log")}", string.Empty,
        ])).ConfigureAwait(false);
        _process.StandardInput.Close();
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (SIGKILL when <paramref name="kill"/>, else SIGTERM where there is one) and
    /// starts it again on the same port and directory: with an append-only file it comes back with every
    /// acknowledged write.</summary>
    public async Task RestartAsync(bool kill, CancellationToken cancellationToken)
    {
        await HaltAsync(kill).ConfigureAwait(false);
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task HaltAsync(bool kill)
    {
        if (!_process.HasExited)
        {
            if (!kill && !OperatingSystem.IsWindows())
            {
                ProcessTools.Signal(_process.Id, PosixSignal.SIGTERM); // redis-server's clean shutdown
            }
            else
            {
                _process.Kill();
            }
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(Timeouts.Short).ConfigureAwait(false);
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Timeouts.Short;
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(Address.Options()).ConfigureAwait(false);
                await connection.GetDatabase().PingAsync().ConfigureAwait(false);
                return;
            }
            catch (RedisException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                // Not listening yet, or still loading its append-only file (-LOADING).
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await HaltAsync(kill: true).ConfigureAwait(false); // no data to keep: a private server's end
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on Windows: the OS cleans temp later.
        }
    }
}

internal static class TaskExtensions
{
    /// <summary>Let a task run to completion without awaiting it (a pipe drain).</summary>
    public static void Ignore(this Task task) => task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Parity.Examples.Infrastructure;

/// <summary>
/// What Python's BaseManager gives distributed.manager-queues for free, written out for .NET: a
/// loopback TCP server hosting named queues (one <see cref="Channel{T}"/> each), a line protocol,
/// and the shared-secret handshake multiprocessing uses (an HMAC-SHA256 of a random challenge, in
/// both directions, compared in constant time). Like the authkey, the key only authenticates: the
/// traffic is not encrypted (use TLS for that).
/// </summary>
internal static class Handshake
{
    internal const int ChallengeBytes = 32;

    /// <summary>Prove to the other side that we hold the key, and check that it does.</summary>
    public static async Task AnswerAsync(LineStream line, byte[] key, CancellationToken ct)
    {
        var challenge = Convert.FromBase64String(await line.ReadAsync(ct));
        await line.WriteAsync(Convert.ToBase64String(HMACSHA256.HashData(key, challenge)), ct);
        if (await line.ReadAsync(ct) != "WELCOME")
        {
            throw new AuthenticationException("digest sent was rejected");
        }
    }

    /// <summary>Challenge the other side; <paramref name="onRefused"/> runs before it hears
    /// "FAILURE".</summary>
    public static async Task DeliverAsync(
        LineStream line, byte[] key, CancellationToken ct, Action? onRefused = null)
    {
        var challenge = RandomNumberGenerator.GetBytes(ChallengeBytes);
        await line.WriteAsync(Convert.ToBase64String(challenge), ct);
        var expected = HMACSHA256.HashData(key, challenge);
        byte[] received;
        try
        {
            received = Convert.FromBase64String(await line.ReadAsync(ct));
        }
        catch (FormatException)
        {
            received = [];
        }
        // Constant time: how long the check takes tells nothing of how much of it matched.
        if (!CryptographicOperations.FixedTimeEquals(expected, received))
        {
            onRefused?.Invoke();
            await line.WriteAsync("FAILURE", ct);
            throw new AuthenticationException("digest received was wrong");
        }
        await line.WriteAsync("WELCOME", ct);
    }
}

/// <summary>The shared key, as Python's manager_queues support reads it: never a literal.</summary>
public static class QueueKey
{
    public const string Variable = "PARITY_AUTHKEY";

    /// <summary>PARITY_AUTHKEY if set, else 32 random bytes for this run; and which.</summary>
    public static (byte[] Key, string Origin) FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? (Encoding.UTF8.GetBytes(configured), $"from {Variable}")
            : (RandomNumberGenerator.GetBytes(32), "generated for this run");
}

/// <summary>Named queues served on 127.0.0.1 (a port the OS picks) to holders of the key.</summary>
public sealed class QueueServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, Channel<string>> _queues;
    private readonly byte[] _key;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _refused;

    public QueueServer(byte[] key, IEnumerable<string> queues)
    {
        _key = key;
        _queues = queues.ToDictionary(
            name => name, _ => Channel.CreateUnbounded<string>(), StringComparer.Ordinal);
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>How many connections failed the handshake.</summary>
    public int Refused => Volatile.Read(ref _refused);

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client, _stop.Token));
            }
        }
        catch (Exception ex) when (
            ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped: DisposeAsync cancelled the token and closed the listener.
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        using var line = new LineStream(client.GetStream());
        try
        {
            await Handshake.DeliverAsync(
                line, _key, ct, onRefused: () => Interlocked.Increment(ref _refused));
            await Handshake.AnswerAsync(line, _key, ct);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException
            or FormatException or OperationCanceledException)
        {
            return; // refused, or the client went away during the handshake
        }
        try
        {
            while (await line.ReadOrNullAsync(ct) is { } request)
            {
                await line.WriteAsync(await HandleAsync(request, ct), ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The server is stopping, or the client went away.
        }
    }

    /// <summary>"PUT queue base64" answers "OK"; "GET queue milliseconds" answers "MSG base64"
    /// or "EMPTY".</summary>
    private async Task<string> HandleAsync(string request, CancellationToken ct)
    {
        var parts = request.Split(' ');
        if (parts.Length != 3 || !_queues.TryGetValue(parts[1], out var channel))
        {
            return "ERROR bad request";
        }
        switch (parts[0])
        {
            case "PUT":
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2]));
                await channel.Writer.WriteAsync(text, ct);
                return "OK";
            case "GET":
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    var ms = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    wait.CancelAfter(TimeSpan.FromMilliseconds(ms));
                    try
                    {
                        var message = await channel.Reader.ReadAsync(wait.Token);
                        return "MSG " + Convert.ToBase64String(Encoding.UTF8.GetBytes(message));
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        return "EMPTY";
                    }
                }
            default:
                return "ERROR bad request";
        }
    }

    /// <summary>Like manager.shutdown(): stop listening, end every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.WaitAsync(Timeouts.Short);
        _stop.Dispose();
    }
}

/// <summary>One authenticated connection to a <see cref="QueueServer"/>.</summary>
public sealed class QueueClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly LineStream _line;

    private QueueClient(TcpClient tcp)
    {
        _tcp = tcp;
        _line = new LineStream(tcp.GetStream());
    }

    /// <summary>Connect and authenticate; AuthenticationException if the keys differ.</summary>
    public static async Task<QueueClient> ConnectAsync(
        IPEndPoint server, byte[] key, CancellationToken ct = default)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(Timeouts.Short);
            await tcp.ConnectAsync(server, deadline.Token);
            var client = new QueueClient(tcp);
            await Handshake.AnswerAsync(client._line, key, deadline.Token);
            await Handshake.DeliverAsync(client._line, key, deadline.Token);
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task PutAsync(string queue, string message, CancellationToken ct = default)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(message));
        await _line.WriteAsync($"PUT {queue} {encoded}", ct);
        var reply = await _line.ReadAsync(ct);
        if (reply != "OK")
        {
            throw new InvalidOperationException(reply);
        }
    }

    /// <summary>Like queue.get(timeout=...): TimeoutException if nothing arrives in time.</summary>
    public async Task<string> GetAsync(
        string queue, TimeSpan timeout, CancellationToken ct = default)
    {
        await _line.WriteAsync($"GET {queue} {(int)timeout.TotalMilliseconds}", ct);
        var reply = await _line.ReadAsync(ct);
        return reply.StartsWith("MSG ", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(reply[4..]))
            : reply == "EMPTY"
                ? throw new TimeoutException($"nothing arrived in '{queue}' within {timeout}")
                : throw new InvalidOperationException(reply);
    }

    public void Dispose()
    {
        _line.Dispose();
        _tcp.Dispose();
    }
}

/// <summary>UTF-8 lines over a stream, one request or reply per line.</summary>
internal sealed class LineStream(Stream stream) : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly StreamReader _reader = new(stream, Utf8, leaveOpen: true);
    private readonly StreamWriter _writer =
        new(stream, Utf8, leaveOpen: true) { NewLine = "\n", AutoFlush = true };

    public async Task<string> ReadAsync(CancellationToken ct) =>
        await ReadOrNullAsync(ct) ?? throw new IOException("the connection was closed");

    public async Task<string?> ReadOrNullAsync(CancellationToken ct) =>
        await _reader.ReadLineAsync(ct);

    public Task WriteAsync(string line, CancellationToken ct) =>
        _writer.WriteLineAsync(line.AsMemory(), ct);

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
    }
}

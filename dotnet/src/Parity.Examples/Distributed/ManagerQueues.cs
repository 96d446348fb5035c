using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Parity.Examples.Infrastructure;

namespace Parity.Examples.Distributed;

/// <summary>
/// distributed.manager-queues: a loopback TCP server hosting two named queues, and two clients
/// that exchange messages through it, as Python's BaseManager does. .NET has no remote-object
/// manager, so the server is small and explicit: one <see cref="Channel{T}"/> per queue, a line
/// protocol, and the same shared-secret handshake multiprocessing uses (an HMAC-SHA256 of a
/// random challenge, in both directions, compared in constant time).
/// Like the authkey, the key only authenticates: the traffic is not encrypted (use TLS for that).
/// </summary>
[Concept("distributed.manager-queues")]
public static class ManagerQueues
{
    public const string AuthKeyVariable = "PARITY_AUTHKEY";
    public const string Question = "[Zhang] Ming, is the boss away on business tomorrow?";
    public const string Answer = "[Ming] He is, so no overtime for us for a few days (>_<)";
    internal const int ChallengeBytes = 32;

    /// <summary>PARITY_AUTHKEY if set, else 32 random bytes for this run; never a literal.</summary>
    public static byte[] AuthKey() =>
        Environment.GetEnvironmentVariable(AuthKeyVariable) is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            : RandomNumberGenerator.GetBytes(32);

    // <handshake>
    /// <summary>Prove to the other side that we hold the key, and check that it does.</summary>
    private static async Task AnswerChallengeAsync(LineStream line, byte[] key, CancellationToken ct)
    {
        var challenge = Convert.FromBase64String(await line.ReadAsync(ct));
        await line.WriteAsync(Convert.ToBase64String(HMACSHA256.HashData(key, challenge)), ct);
        if (await line.ReadAsync(ct) != "WELCOME")
        {
            throw new AuthenticationException("digest sent was rejected");
        }
    }

    /// <summary>Challenge the other side; <paramref name="onRefused"/> runs before it hears "FAILURE".</summary>
    private static async Task DeliverChallengeAsync(LineStream line, byte[] key, CancellationToken ct, Action? onRefused = null)
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
        // Constant time: how long the check takes says nothing about how much of the digest matched.
        if (!CryptographicOperations.FixedTimeEquals(expected, received))
        {
            onRefused?.Invoke();
            await line.WriteAsync("FAILURE", ct);
            throw new AuthenticationException("digest received was wrong");
        }
        await line.WriteAsync("WELCOME", ct);
    }
    // </handshake>

    // <server>
    public sealed class QueueServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0); // 127.0.0.1, a port the OS picks
        private readonly Dictionary<string, Channel<string>> _queues = new(StringComparer.Ordinal)
        {
            ["zhang"] = Channel.CreateUnbounded<string>(),
            ["ming"] = Channel.CreateUnbounded<string>(),
        };
        private readonly byte[] _key;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _refused;

        public QueueServer(byte[] key)
        {
            _key = key;
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
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
                await DeliverChallengeAsync(line, _key, ct, onRefused: () => Interlocked.Increment(ref _refused));
                await AnswerChallengeAsync(line, _key, ct);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or FormatException or OperationCanceledException)
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

        /// <summary>"PUT queue base64" answers "OK"; "GET queue milliseconds" answers "MSG base64" or "EMPTY".</summary>
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
                    await channel.Writer.WriteAsync(Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])), ct);
                    return "OK";
                case "GET":
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        wait.CancelAfter(TimeSpan.FromMilliseconds(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
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

        /// <summary>The counterpart of manager.shutdown(): stop listening, end every connection.</summary>
        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.WaitAsync(Timeouts.Short);
            _stop.Dispose();
        }
    }
    // </server>

    // <client>
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
        public static async Task<QueueClient> ConnectAsync(IPEndPoint server, byte[] key, CancellationToken ct = default)
        {
            var tcp = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(Timeouts.Short);
                await tcp.ConnectAsync(server, deadline.Token);
                var client = new QueueClient(tcp);
                await AnswerChallengeAsync(client._line, key, deadline.Token);
                await DeliverChallengeAsync(client._line, key, deadline.Token);
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
            await _line.WriteAsync($"PUT {queue} {Convert.ToBase64String(Encoding.UTF8.GetBytes(message))}", ct);
            Expect(await _line.ReadAsync(ct), "OK");
        }

        /// <summary>Like queue.get(timeout=...): TimeoutException when nothing arrives in time.</summary>
        public async Task<string> GetAsync(string queue, TimeSpan timeout, CancellationToken ct = default)
        {
            await _line.WriteAsync($"GET {queue} {(int)timeout.TotalMilliseconds}", ct);
            var reply = await _line.ReadAsync(ct);
            return reply.StartsWith("MSG ", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(reply[4..]))
                : reply == "EMPTY" ? throw new TimeoutException($"nothing arrived in '{queue}' within {timeout}")
                : throw new InvalidOperationException(reply);
        }

        private static void Expect(string reply, string expected)
        {
            if (reply != expected)
            {
                throw new InvalidOperationException(reply);
            }
        }

        public void Dispose()
        {
            _line.Dispose();
            _tcp.Dispose();
        }
    }

    public static async Task<string> ZhangAsync(IPEndPoint server, byte[] key, CancellationToken ct)
    {
        using var client = await QueueClient.ConnectAsync(server, key, ct);
        await client.PutAsync("zhang", Question, ct);      // leave a message in my own queue
        return await client.GetAsync("ming", Timeouts.Short, ct);  // wait for Ming's
    }

    public static async Task<string> MingAsync(IPEndPoint server, byte[] key, CancellationToken ct)
    {
        using var client = await QueueClient.ConnectAsync(server, key, ct);
        var question = await client.GetAsync("zhang", Timeouts.Short, ct);
        await client.PutAsync("ming", Answer, ct);
        return question;
    }
    // </client>

    // <run>
    public sealed record Exchange(string ZhangReceived, string MingReceived, IPEndPoint EndPoint);

    public static async Task<Exchange> ExchangeAsync(byte[] key, CancellationToken ct = default)
    {
        await using var server = new QueueServer(key);
        var zhang = ZhangAsync(server.EndPoint, key, ct);
        var ming = MingAsync(server.EndPoint, key, ct);
        await Task.WhenAll(zhang, ming).WaitAsync(Timeouts.Short, ct);
        return new Exchange(await zhang, await ming, server.EndPoint);
    }

    /// <summary>Connect with a key that is not the server's; returns the exception's message.</summary>
    public static async Task<string> WrongKeyIsRefusedAsync(byte[] key, CancellationToken ct = default)
    {
        await using var server = new QueueServer(key);
        try
        {
            using var _ = await QueueClient.ConnectAsync(server.EndPoint, RandomNumberGenerator.GetBytes(32), ct);
        }
        catch (AuthenticationException ex)
        {
            return ex.Message;
        }
        throw new InvalidOperationException("a client with the wrong key was let in");
    }
    // </run>

    public static async Task RunAsync(ConceptContext ctx)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(AuthKeyVariable) is { Length: > 0 };
        var key = AuthKey();
        ctx.Out.WriteLine($"authkey: {key.Length} bytes, {(fromEnvironment ? $"from {AuthKeyVariable}" : "generated for this run")}");
        var result = await ExchangeAsync(key, ctx.CancellationToken);
        ctx.Out.WriteLine($"server listened on {result.EndPoint}, now stopped");
        ctx.Out.WriteLine($"zhang received: {result.ZhangReceived}");
        ctx.Out.WriteLine($"ming received:  {result.MingReceived}");
        ctx.Out.WriteLine($"a client with another key: AuthenticationException: {await WrongKeyIsRefusedAsync(key, ctx.CancellationToken)}");
    }

    /// <summary>UTF-8 lines over a stream, one request or reply per line.</summary>
    private sealed class LineStream(Stream stream) : IDisposable
    {
        private readonly StreamReader _reader = new(stream, new UTF8Encoding(false), leaveOpen: true);
        private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n", AutoFlush = true };

        public async Task<string> ReadAsync(CancellationToken ct) =>
            await ReadOrNullAsync(ct) ?? throw new IOException("the connection was closed");

        public async Task<string?> ReadOrNullAsync(CancellationToken ct) => await _reader.ReadLineAsync(ct);

        public Task WriteAsync(string line, CancellationToken ct) => _writer.WriteLineAsync(line.AsMemory(), ct);

        public void Dispose()
        {
            _reader.Dispose();
            _writer.Dispose();
        }
    }
}

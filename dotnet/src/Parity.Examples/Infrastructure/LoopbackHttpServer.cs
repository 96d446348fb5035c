using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parity.Examples.Infrastructure;

/// <summary>What the server answers for one request.</summary>
public sealed record HttpReply(int Status, string Body, TimeSpan Delay = default);

/// <summary>
/// A deliberately tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, so the HTTP concepts
/// never reach the internet. It answers GET requests through a handler that sees the path and
/// the request's number (1, 2, ...), which lets a concept script failures and slow endpoints.
/// By default every answer closes its connection, so concurrent requests start on an equal
/// footing (no pooled connection gives one a head start). With keepAlive, connections stay open
/// until the client closes them or asks for <c>Connection: close</c>; either way they are counted,
/// so a concept can show connection reuse.
/// Dispose stops it; requests still waiting on a delay are cancelled.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, Task<HttpReply>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _requests;
    private int _connections;

    private readonly bool _keepAlive;

    public LoopbackHttpServer(Func<string, int, HttpReply> handler, bool keepAlive = false)
        : this((path, number) => Task.FromResult(handler(path, number)), keepAlive)
    {
    }

    /// <summary>A server whose handler may await (a gate the caller opens, say) before it answers.</summary>
    public LoopbackHttpServer(Func<string, int, Task<HttpReply>> handler, bool keepAlive = false)
    {
        _handler = handler;
        _keepAlive = keepAlive;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>How many requests have arrived so far.</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>How many TCP connections clients have opened so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _connections);
                // Never serve on the accept loop: a request already buffered is read without
                // yielding, and a handler that blocks would then stop every later connection.
                connections.Add(Task.Run(() => ServeAsync(client)));
                connections.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                // Answer requests on this connection until the client closes it or asks us to.
                while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { Length: > 0 } requestLine)
                {
                    var close = !_keepAlive;
                    while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { Length: > 0 } header)
                    {
                        close |= header.Equals("Connection: close", StringComparison.OrdinalIgnoreCase);
                    }
                    var parts = requestLine.Split(' ');
                    var reply = await _handler(parts.Length > 1 ? parts[1] : "/", Interlocked.Increment(ref _requests)).WaitAsync(_stop.Token).ConfigureAwait(false);
                    if (reply.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);
                    }
                    var body = Encoding.UTF8.GetBytes(reply.Body);
                    var head = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 {reply.Status} {(reply.Status < 400 ? "OK" : "Error")}\r\n" +
                        $"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\n" +
                        (close ? "Connection: close\r\n" : string.Empty) + "\r\n");
                    await stream.WriteAsync(head, _stop.Token).ConfigureAwait(false);
                    await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                    if (close)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
                // The client went away or the server is stopping: nothing to answer.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parity.Examples.Tasks;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that keeps connections open (keep-alive) and counts how
/// many TCP connections its clients opened. The shared LoopbackHttpServer closes every
/// connection after one answer, which hides the difference this one exists to show: a shared
/// HttpClient reuses one pooled connection, a new HttpClient per call opens a new one each time.
/// </summary>
public sealed class KeepAliveServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _connections;
    private int _requests;

    public KeepAliveServer()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path.TrimStart('/')}");

    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _connections);
                connections.Add(ServeAsync(client));
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
                // Answer requests on this connection until the client closes it.
                while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { Length: > 0 })
                {
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false)))
                    {
                    }
                    var number = Interlocked.Increment(ref _requests);
                    var body = Encoding.UTF8.GetBytes($"request {number}");
                    var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n");
                    await stream.WriteAsync(head, _stop.Token).ConfigureAwait(false);
                    await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
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

using System.Net;
using System.Net.Sockets;

namespace Parity.Examples.Infrastructure;

/// <summary>Ports for servers the concepts start themselves, always on loopback.</summary>
public static class Ports
{
    /// <summary>A TCP port free on 127.0.0.1 right now: the OS picks it for a listener we close
    /// at once (another process could take it before our server binds it; none does here).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

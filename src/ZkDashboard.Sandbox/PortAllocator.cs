using System.Net;
using System.Net.Sockets;

namespace ZkDashboard.Sandbox;

/// <summary>Free loopback ports: bind to port 0, note the port, release. Another process may still take the port
/// before the server binds it, so starting retries with fresh ports when a bind fails.</summary>
internal static class PortAllocator
{
    public static int[] Allocate(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

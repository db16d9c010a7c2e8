using Microsoft.AspNetCore.Components.Server.Circuits;
using ZkDashboard.Web.Explorer.Live;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// Captures the client address once, when the circuit opens (the circuit's own connection request is current then),
/// for the audit log. Nothing reads the HTTP context later in the circuit's life.
/// </summary>
internal sealed class RemoteAddressCircuitHandler : CircuitHandler
{
    public RemoteAddressCircuitHandler(CircuitRemoteAddress address, IHttpContextAccessor http)
    {
        address.Value ??= http.HttpContext?.Connection.RemoteIpAddress;
    }
}

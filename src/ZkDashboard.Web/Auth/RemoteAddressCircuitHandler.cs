using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// Captures the client address and User-Agent once, when the circuit opens (the circuit's own connection request is current
/// then), and the circuit id, for the audit log. Nothing reads the HTTP context later in the circuit's life.
/// </summary>
internal sealed class RemoteAddressCircuitHandler : CircuitHandler
{
    private readonly CircuitRemoteAddress _address;

    public RemoteAddressCircuitHandler(CircuitRemoteAddress address, IHttpContextAccessor http)
    {
        _address = address;
        address.Value ??= http.HttpContext?.Connection.RemoteIpAddress;
        address.UserAgent ??= http.HttpContext?.Request.Headers.UserAgent.ToString();
    }

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        _address.CircuitId = "circuit:" + circuit.Id;
        return Task.CompletedTask;
    }
}

using System.Net;
using Microsoft.AspNetCore.Components.Authorization;
using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Auth;

/// <summary>
/// The circuit's person, from the circuit's <see cref="AuthenticationStateProvider"/> (never from the HTTP context):
/// name, groups, provider and token role scope from the claims (<see cref="ZkPrincipals.ToActingUser"/>), the remote
/// address captured once when the circuit started (<see cref="CircuitRemoteAddress"/>). Nobody signed in, or a
/// session revoked while the page is open: <see cref="ActingUser.Anonymous"/>, which has no rights.
/// </summary>
public sealed class CurrentUser : ICurrentUser, IDisposable
{
    private readonly AuthenticationStateProvider _auth;
    private readonly CircuitRemoteAddress _address;
    private ActingUser? _user;

    /// <summary>Creates the service for one circuit (or one static render).</summary>
    public CurrentUser(AuthenticationStateProvider auth, CircuitRemoteAddress address)
    {
        _auth = auth;
        _address = address;
        _auth.AuthenticationStateChanged += OnChanged;
    }

    /// <inheritdoc />
    public ActingUser User
    {
        get
        {
            if (_user is { } cached)
            {
                return cached;
            }
            var principal = AuthenticationStates.TryGetUser(_auth);
            var user = ZkPrincipals.ToActingUser(principal, _address.Value, _address.UserAgent, _address.CircuitId);
            if (principal is not null)
            {
                _user = user;
            }
            return user;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _auth.AuthenticationStateChanged -= OnChanged;

    private void OnChanged(Task<AuthenticationState> state) => _user = null;
}

/// <summary>The client address of this circuit (or request), captured once when it started; null when unknown.</summary>
public sealed class CircuitRemoteAddress
{
    /// <summary>The address, set by the circuit handler or the static render.</summary>
    public IPAddress? Value { get; set; }

    /// <summary>The client's User-Agent, captured with the address.</summary>
    public string? UserAgent { get; set; }

    /// <summary>"circuit:&lt;id&gt;" once the circuit is open (the request id of everything the circuit does); for a static
    /// render, the request's trace identifier.</summary>
    public string? CircuitId { get; set; }
}

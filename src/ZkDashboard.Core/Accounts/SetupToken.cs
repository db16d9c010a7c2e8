using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ZkDashboard.Core.Accounts;

/// <summary>
/// First run: while no local account exists, a one-time token (logged once per start at Warning level) lets
/// <c>/setup</c> create the first admin. Once an account exists the token is gone and never logged again.
/// </summary>
public sealed class SetupToken(IAccountService accounts, ILogger<SetupToken> logger) : IHostedService
{
    private readonly Lock _gate = new();
    private string? _token;

    /// <summary>True while the first admin can still be created.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _token is not null;
            }
        }
    }

    /// <summary>True when <paramref name="candidate"/> is the current token (constant-time comparison).</summary>
    public bool Matches(string? candidate)
    {
        string? token;
        lock (_gate)
        {
            token = _token;
        }
        return token is not null && candidate is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(candidate.Trim()));
    }

    /// <summary>Ends the setup window (after the first admin was created).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _token = null;
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await accounts.CountAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _token = token;
        }
#pragma warning disable CA1848, CA1873 // logged once per start: a message template is clearer than a source-generated delegate here
        logger.LogWarning("No accounts exist yet. Open /setup and enter this one-time setup token to create the first admin: {SetupToken}", token);
#pragma warning restore CA1848, CA1873
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using ZkDashboard.Core.Access;

namespace ZkDashboard.Core.Accounts;

/// <summary>Who an account or token change is recorded as (the account services get the actor's name, not the request).</summary>
internal static class AccountAudit
{
    public static ActingUser Actor(string name) => new(string.IsNullOrWhiteSpace(name) ? "unknown" : name, [], null) { Provider = AccountNames.LocalProvider };
}

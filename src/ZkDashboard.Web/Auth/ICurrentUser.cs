using ZkDashboard.Core.Access;

namespace ZkDashboard.Web.Auth;

/// <summary>The person using this circuit, as Core's <see cref="ActingUser"/> (one per circuit, scoped).</summary>
public interface ICurrentUser
{
    /// <summary>Who every read and write of this circuit runs as.</summary>
    ActingUser User { get; }
}

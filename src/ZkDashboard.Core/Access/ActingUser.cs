namespace ZkDashboard.Core.Access;

public sealed record ActingUser(string Name, IReadOnlyCollection<string> Roles, string? RemoteAddress) { public static ActingUser System { get; } = new("system", new[] { "admin" }, null); }

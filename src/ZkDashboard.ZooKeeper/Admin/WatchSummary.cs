namespace ZkDashboard.ZooKeeper.Admin;

/// <summary>
/// Parsed reply of <c>wchs</c>: "N connections watching M paths / Total watches:W".
/// ZooKeeper 3.8 counts data and exists watches here; child watches are not included.
/// </summary>
public sealed record WatchSummary(int Connections, int WatchedPaths, long TotalWatches);

/// <summary>Parsed reply of <c>dirs</c>: bytes used by snapshots and by transaction logs.</summary>
public sealed record DataDirSizes(long DataDirSize, long LogDirSize);

using Microsoft.EntityFrameworkCore;
using ZkDashboard.Core.Audit;

namespace ZkDashboard.Core.Store;

/// <summary>The audit trail's tables.</summary>
public partial class ZkDashboardDbContext
{
    public DbSet<AuditRecordRow> AuditRecords => Set<AuditRecordRow>();

    public DbSet<AuditChainRow> AuditChain => Set<AuditChainRow>();
}

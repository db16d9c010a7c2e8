using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace ZkDashboard.Core.Store;

/// <summary>
/// Keeps the Data Protection key ring in the dashboard database, so a restarted (or second) instance can decrypt.
/// Data Protection calls it synchronously, so it makes sure of the schema with synchronous calls too (normally a
/// no-op: the store initializer created it at start-up).
/// </summary>
public sealed class DbXmlRepository(IDbContextFactory<ZkDashboardDbContext> factory, IDashboardStore? store = null) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        store?.EnsureSchema();
        using var db = factory.CreateDbContext();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList()
            .Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        store?.EnsureSchema();
        using var db = factory.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKeyRecord { FriendlyName = friendlyName ?? "", Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}

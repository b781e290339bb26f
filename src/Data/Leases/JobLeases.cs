using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Leases;

/// <summary>
/// Named leases in the database, so that a background job runs on one host at a time when several share it: the
/// holder renews its lease on every run; a host that dies lets it go when the lease runs out.
/// </summary>
public sealed class JobLeases(IDbContextFactory<FrontierDbContext> dbFactory, HostId host, TimeProvider time)
{
    /// <summary>Takes or renews the lease on <paramref name="name"/> for <paramref name="ttl"/>; false while another host holds it.</summary>
    public async Task<bool> TryHoldAsync(string name, TimeSpan ttl, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var owner = host.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One conditional update: of two hosts racing for a lapsed lease, one updates the row and the other finds it
        // held (PostgreSQL checks the condition again on the row the first one committed; SQLite has one writer).
        var renewed = await db.Leases.Where(l => l.Name == name && (l.Owner == owner || l.Until <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.Until, now + ttl), ct);
        if (renewed == 1)
        {
            return true;
        }
        if (await db.Leases.AsNoTracking().Where(l => l.Name == name).Select(l => l.Owner).FirstOrDefaultAsync(ct) is { } holder)
        {
            // A holder that was this machine's previous process (the host restarted after a crash) need not be waited out.
            return HostId.IsEndedLocalProcess(holder)
                && await db.Leases.Where(l => l.Name == name && l.Owner == holder)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.Until, now + ttl), ct) == 1;
        }
        db.Leases.Add(new Lease { Name = name, Owner = owner, Until = now + ttl });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (SaveFailures.IsUniqueViolation(e))
        {
            // Another host created it first: it holds it. Any other failure is not "held" and goes to the caller.
            return false;
        }
    }
}

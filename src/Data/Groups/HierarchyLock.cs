using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FrontierGateway.Data.Groups;

/// <summary>
/// One change to the group hierarchy at a time, across every host: a group created, patched or deleted, or a key
/// minted into one. Each checks what it reads (the parent is live, the CASCADING limits fit the chain, the group is
/// live) and writes after; without this a delete could miss a child created meanwhile under a parent it deleted, or a
/// key minted meanwhile into its subtree, leaving them live. SQLite: Microsoft.Data.Sqlite begins the transaction
/// IMMEDIATE, taking the database's write lock before the reads. PostgreSQL: an advisory lock held until the
/// transaction ends.
/// </summary>
internal static class HierarchyLock
{
    /// <summary>The PostgreSQL advisory lock: "FrontGRP" as a big-endian 64-bit integer.</summary>
    private const long LockKey = 0x46726F6E74475250;

    /// <summary>Begins the transaction the change's reads and its save run in; the caller commits it.</summary>
    public static async Task<IDbContextTransaction> BeginAsync(FrontierDbContext db, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", ct);
        }
        return transaction;
    }
}

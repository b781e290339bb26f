using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data;

/// <summary>
/// <see cref="FrontierDbContext"/> on PostgreSQL: the same model, under a type of its own because EF ties a migration
/// set to a context type, and this assembly holds two (Migrations/Sqlite, Migrations/Postgres).
/// <see cref="FrontierDbContextFactory"/> makes one when <c>Data:Provider</c> is <c>Postgres</c>; code asks for
/// <see cref="FrontierDbContext"/> and never needs to know.
/// </summary>
internal sealed class PostgresFrontierDbContext(DbContextOptions<FrontierDbContext> options) : FrontierDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        base.ConfigureConventions(builder);
        // Text compares byte by byte, as on SQLite, whatever the database's locale: ids, key prefixes and the cursors
        // built from them sort the same on both providers, and lower() folds ASCII only on both (AuditQueryService).
        builder.Properties<string>().UseCollation("C");
    }
}

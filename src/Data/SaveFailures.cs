using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FrontierGateway.Data;

/// <summary>
/// Which constraint refused a save, on either provider. A write checks first, then saves: a concurrent write that
/// lands in between makes the save fail on a constraint, and the service answers what its check would have. Any other
/// failure is not the client's and goes on as it is.
/// </summary>
internal static class SaveFailures
{
    // SQLite's extended result codes: SQLITE_CONSTRAINT (19) with the kind of constraint in the second byte.
    private const int SqliteUnique = 2067;
    private const int SqlitePrimaryKey = 1555;
    private const int SqliteForeignKey = 787;

    /// <summary>A unique index or primary key refused a row (SQLite 2067 or 1555; PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => Cause(e) switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUnique or SqlitePrimaryKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A row referred to one that is not there (SQLite 787; PostgreSQL 23503).</summary>
    public static bool IsForeignKeyViolation(DbUpdateException e) => Cause(e) switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteForeignKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        _ => false,
    };

    /// <summary>The provider's own exception under EF Core's.</summary>
    private static Exception? Cause(DbUpdateException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SqliteException or PostgresException)
            {
                return inner;
            }
        }
        return null;
    }
}

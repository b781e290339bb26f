using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FrontierGateway.Data;

/// <summary>
/// Inserts rows of one entity type (usage events, request log rows) with prepared commands, rebound for every
/// statement, in the context's current transaction. Change tracking costs several times the insert itself at thousands
/// of rows a second (a request log row through <c>SaveChanges</c> cost the request path's host ~25 µs of CPU a call,
/// docs/PERFORMANCE.md), so the metering path skips it. Table, columns and value conversions come from the EF model, so
/// the rows read back exactly as if EF had written them; a column the database generates (an identity) is left to it.
/// </summary>
public static partial class PreparedInsert
{
    private const int RowsBetweenYields = 16;

    /// <summary>
    /// Rows in one INSERT on PostgreSQL, where every statement is a round trip to the server: a statement of many rows
    /// pays it once. SQLite runs in the process, so there a statement costs a function call, and one row per prepared
    /// statement is fastest (Microsoft.Data.Sqlite looks every parameter up by name among all the statement's: 10 rows a
    /// statement wrote 0.6x the rows/s of 1, 50 rows 0.35x; SQLite binds by position, PreparedInsert.Sqlite.cs). Rough rows/s, batches of 500 in a transaction, Debug build on a loaded 2-core machine:
    /// SQLite 17-19k; PostgreSQL on loopback 6k at 1 row a statement, 15-21k at 100, 7-10k at 500 (a 6,500-parameter
    /// statement costs more to bind than it saves).
    /// </summary>
    internal const int PostgresRowsPerStatement = 100;

    /// <param name="yieldBetweenRows">
    /// Give the core up every few rows, for a writer that is keeping up: a batch is milliseconds of CPU, and calls in
    /// flight otherwise wait out the scheduler's slice behind it (the p99 at c=1 fell from 2.5-3.5 ms to 1.1-2.4 ms in
    /// bench-style runs, docs/PERFORMANCE.md). A writer that has fallen behind must not: its backlog is memory.
    /// </param>
    /// <param name="skipExisting">
    /// A row whose key (or other unique column) the table has already is left out (<c>ON CONFLICT DO NOTHING</c>), not
    /// an error: for writers that can meet a row another wrote first (usage events stored from the journal and from
    /// memory, a batch tried again after its commit reached the database). Other constraints still fail.
    /// </param>
    public static async Task InsertAsync<T>(FrontierDbContext db, IReadOnlyList<T> events, bool yieldBetweenRows = false,
        bool skipExisting = false, CancellationToken ct = default) where T : class
    {
        if (events.Count == 0)
        {
            return;
        }
        var target = TargetOf(db, typeof(T));
        if (db.Database.GetDbConnection() is SqliteConnection && BindsByPosition(target.Columns))
        {
            InsertOnSqlite(db, target, events, yieldBetweenRows, skipExisting, ct);
            return;
        }
        var rowsPerStatement = db.Database.IsNpgsql() ? PostgresRowsPerStatement : 1;
        Statement? full = null;
        try
        {
            var sinceYield = 0;
            for (var first = 0; first < events.Count; first += rowsPerStatement)
            {
                var rows = Math.Min(rowsPerStatement, events.Count - first);
                sinceYield += rows;
                if (yieldBetweenRows && sinceYield >= RowsBetweenYields)
                {
                    Thread.Yield();
                    sinceYield = 0;
                }
                // Full statements share one prepared command; a shorter last one is built for itself.
                if (rows == rowsPerStatement)
                {
                    full ??= await Statement.PrepareAsync(db, target, rows, skipExisting, ct);
                    await full.ExecuteAsync(events, first, ct);
                }
                else
                {
                    await using var last = await Statement.PrepareAsync(db, target, rows, skipExisting, ct);
                    await last.ExecuteAsync(events, first, ct);
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }
    }

    private static Target TargetOf(FrontierDbContext db, Type type)
    {
        var entity = db.Model.FindEntityType(type)!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        return new Target(table, entity.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never)
            .Select(p => new Column(p, p.GetColumnName(table)!, p.GetRelationalTypeMapping())).ToArray());
    }

    /// <summary>
    /// <c>INSERT INTO table (columns) VALUES (...), ...</c> for <paramref name="rows"/> rows, the n-th value (from 0, row
    /// by row) written as <paramref name="parameter"/> names it; with <paramref name="skipExisting"/>, <c>ON CONFLICT DO
    /// NOTHING</c> (SQLite and PostgreSQL alike).
    /// </summary>
    private static string InsertText(FrontierDbContext db, Target target, int rows, Func<int, string> parameter, bool skipExisting)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = target.Columns;
        var values = Enumerable.Range(0, rows)
            .Select(r => $"({string.Join(", ", columns.Select((_, i) => parameter(r * columns.Length + i)))})");
        return $"INSERT INTO {sql.DelimitIdentifier(target.Table.Name, target.Table.Schema)} "
            + $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) VALUES {string.Join(", ", values)}"
            + (skipExisting ? " ON CONFLICT DO NOTHING" : "");
    }

    /// <summary>A column's value of <paramref name="entity"/> as the database stores it: through the model's converter.</summary>
    private static object? StoredValue(Column column, object entity)
    {
        var value = column.Property.GetGetter().GetClrValueUsingContainingEntity(entity);
        return column.Mapping.Converter is { } converter && value is not null ? converter.ConvertToProvider(value) : value;
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping);

    private sealed record Target(StoreObjectIdentifier Table, Column[] Columns);

    /// <summary>One prepared <c>INSERT ... VALUES (...), (...)</c> of a fixed number of rows.</summary>
    private sealed class Statement(DbCommand command, DbParameter[] parameters, Column[] columns) : IAsyncDisposable
    {
        public static async Task<Statement> PrepareAsync(FrontierDbContext db, Target target, int rows, bool skipExisting,
            CancellationToken ct)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var all = target.Columns;
            command.CommandText = InsertText(db, target, rows, n => "@p" + n, skipExisting);
            var parameters = Enumerable.Range(0, rows * all.Length).Select(n =>
            {
                var column = all[n % all.Length];
                return column.Mapping.CreateParameter(command, "@p" + n, null, column.Property.IsNullable);
            }).ToArray();
            command.Parameters.AddRange(parameters);
            await command.PrepareAsync(ct);
            return new Statement(command, parameters, all);
        }

        public async Task ExecuteAsync<T>(IReadOnlyList<T> events, int first, CancellationToken ct) where T : class
        {
            for (var n = 0; n < parameters.Length; n++)
            {
                parameters[n].Value = StoredValue(columns[n % columns.Length], events[first + n / columns.Length]) ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(ct);
        }

        public ValueTask DisposeAsync() => command.DisposeAsync();
    }
}

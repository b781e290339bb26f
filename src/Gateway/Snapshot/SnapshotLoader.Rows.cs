using System.Data.Common;
using System.Runtime.CompilerServices;
using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>The whole reads' rows: EF Core's SQL, read with a plain data reader.</summary>
internal sealed partial class SnapshotLoader
{
    /// <summary>
    /// The rows of <paramref name="query"/> (a projection of columns, with no parameters), run as EF Core's own SQL for it (its filters and
    /// names kept in one place) through a plain data reader. A whole read is every key and every group: at a million
    /// keys EF Core's materializing of each row cost ~0.7 s of a cold 3.5 s read, and at 100,000 groups most of the
    /// groups' read's 227 MB (docs/PERFORMANCE.md).
    /// </summary>
    /// <param name="rowReader">Given the open reader, finds the columns once and returns what reads the current row.</param>
    private static async IAsyncEnumerable<TRow> ReadRowsAsync<TRow>(FrontierDbContext db, IQueryable query,
        Func<DbDataReader, Func<TRow>> rowReader, [EnumeratorCancellation] CancellationToken ct)
    {
        // EF Core's SQL for the query; a whole read has no parameters, and this runs none.
        string sql;
        using (var probe = query.CreateDbCommand())
        {
            sql = probe.Parameters.Count == 0 ? probe.CommandText
                : throw new ArgumentException("A whole read's query takes no parameters.", nameof(query));
        }
        // EF Core's own command: its interceptors, logging, timeout and connection handling apply as to any query.
        var command = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(sql).Build();
        var connection = db.GetService<IRelationalConnection>();
        await using var reader = await command.ExecuteReaderAsync(new RelationalCommandParameterObject(connection, null, null, db,
            db.GetService<IRelationalCommandDiagnosticsLogger>()), ct);
        var read = rowReader(reader.DbDataReader);
        while (await reader.ReadAsync(ct))
        {
            yield return read();
        }
    }

    /// <summary>A nullable string column.</summary>
    private static string? GetStringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

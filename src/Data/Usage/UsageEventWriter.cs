using System.Data.Common;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FrontierGateway.Data.Usage;

/// <summary>
/// Inserts usage events with one prepared command, rebound for every row, in the context's current
/// transaction. Change tracking costs several times the insert itself at thousands of events a second, so
/// the metering path skips it. Table, columns and value conversions come from the EF model, so the rows
/// read back exactly as if EF had written them.
/// </summary>
public static class UsageEventWriter
{
    private const int RowsBetweenYields = 16;

    /// <param name="yieldBetweenRows">
    /// Give the core up every few rows, for a writer that is keeping up: a batch is milliseconds of CPU, and calls in
    /// flight otherwise wait out the scheduler's slice behind it (the p99 at c=1 fell from 2.5-3.5 ms to 1.1-2.4 ms in
    /// bench-style runs, docs/PERFORMANCE.md). A writer that has fallen behind must not: its backlog is memory.
    /// </param>
    public static async Task InsertAsync(FrontierDbContext db, IReadOnlyList<UsageEvent> events, bool yieldBetweenRows = false,
        CancellationToken ct = default)
    {
        if (events.Count == 0)
        {
            return;
        }
        var entity = db.Model.FindEntityType(typeof(UsageEvent))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Select(p => new Column(p, p.GetColumnName(table)!, p.GetRelationalTypeMapping()))
            .ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) "
            + $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var parameters = columns.Select((c, i) =>
            c.Mapping.CreateParameter(command, "@p" + i, null, c.Property.IsNullable)).ToArray();
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync(ct);
        for (var n = 0; n < events.Count; n++)
        {
            var usage = events[n];
            if (yieldBetweenRows && n % RowsBetweenYields == RowsBetweenYields - 1)
            {
                Thread.Yield();
            }
            for (var i = 0; i < columns.Length; i++)
            {
                var value = columns[i].Property.GetGetter().GetClrValueUsingContainingEntity(usage);
                if (columns[i].Mapping.Converter is { } converter && value is not null)
                {
                    value = converter.ConvertToProvider(value);
                }
                parameters[i].Value = value ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping);
}

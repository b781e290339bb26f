using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data.Usage;

/// <summary>What spend is broken down by.</summary>
public enum SpendDimension { Group, Key, Model }

/// <summary>
/// One group's, key's or model's spend in one currency over a period. <see cref="Amount"/> is the exact sum of the
/// calls' costs (decimal, never rounded here).
/// </summary>
public sealed record SpendRow(string Key, string Label, string Currency, decimal Amount, long Calls, long InputTokens,
    long OutputTokens);

/// <param name="Totals">The period's spend per currency, largest first.</param>
/// <param name="UnpricedCalls">Calls of the period whose slug had no price when they were made: no cost, not in the rows.</param>
public sealed record SpendReport(DateTime From, DateTime To, IReadOnlyList<SpendRow> Rows,
    IReadOnlyList<(string Currency, decimal Amount)> Totals, long UnpricedCalls);

/// <summary>
/// Spend from the costs stored on usage events (each fixed when its call ended, from the price in force then), so a
/// price change never rewrites the past. A group's spend is its own keys' calls, not its descendants'. Reaches back as
/// far as events are kept (<c>Webhooks:RetentionDays</c> after their delivery, or after their delivery's last attempt
/// if it failed).
/// </summary>
public sealed class SpendService(IDbContextFactory<FrontierDbContext> dbFactory)
{
    public const int MaxDays = 366;

    /// <param name="from">Inclusive, UTC.</param>
    /// <param name="to">Exclusive, UTC.</param>
    /// <param name="groupId">Only this group's calls, when given.</param>
    public async Task<SpendReport> GetAsync(SpendDimension by, DateTime from, DateTime to, string? groupId = null,
        CancellationToken ct = default)
    {
        if (to <= from)
        {
            throw DomainException.Invalid("to", "to must be after from.");
        }
        if (to - from > TimeSpan.FromDays(MaxDays))
        {
            throw DomainException.Invalid("from", $"The period may be at most {MaxDays} days.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = db.UsageEvents.AsNoTracking().Where(e => e.Timestamp >= from && e.Timestamp < to);
        if (groupId is not null)
        {
            events = events.Where(e => e.GroupId == groupId);
        }
        var priced = events.Where(e => e.CostCurrency != null);
        var rows = await (by switch
            {
                SpendDimension.Group => priced.GroupBy(e => new { Key = e.GroupId, Currency = e.CostCurrency! }),
                SpendDimension.Key => priced.GroupBy(e => new { Key = e.ApiKeyPrefix, Currency = e.CostCurrency! }),
                _ => priced.GroupBy(e => new { Key = e.ModelSlug, Currency = e.CostCurrency! }),
            })
            .Select(g => new
            {
                g.Key.Key, g.Key.Currency, Amount = g.Sum(e => e.Cost!.Value), Calls = g.LongCount(),
                Input = g.Sum(e => e.InputTokens), Output = g.Sum(e => e.OutputTokens),
            })
            .ToListAsync(ct);
        var labels = await LabelsAsync(db, by, rows.Select(r => r.Key).Distinct().ToList(), ct);
        var result = rows
            .Select(r => new SpendRow(r.Key, labels.GetValueOrDefault(r.Key, r.Key), r.Currency, r.Amount, r.Calls, r.Input, r.Output))
            .OrderBy(r => r.Currency, StringComparer.Ordinal).ThenByDescending(r => r.Amount).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var totals = result.GroupBy(r => r.Currency)
            .Select(g => (g.Key, g.Aggregate(0m, (sum, r) => sum + r.Amount)))
            .OrderByDescending(t => t.Item2).ToList();
        var unpriced = await events.LongCountAsync(e => e.CostCurrency == null, ct);
        return new SpendReport(from, to, result, totals, unpriced);
    }

    private static async Task<Dictionary<string, string>> LabelsAsync(FrontierDbContext db, SpendDimension by,
        List<string> keys, CancellationToken ct) => by switch
        {
            // Deleted groups and revoked keys still had their spend.
            SpendDimension.Group => await db.Groups.IgnoreQueryFilters().AsNoTracking().Where(g => keys.Contains(g.Id))
                .ToDictionaryAsync(g => g.Id, g => g.Name ?? g.ExternalEntityId, StringComparer.Ordinal, ct),
            SpendDimension.Key => await db.CustomerApiKeys.IgnoreQueryFilters().AsNoTracking().Where(k => keys.Contains(k.Prefix))
                .ToDictionaryAsync(k => k.Prefix, k => k.Name == null ? k.Prefix : $"{k.Name} ({k.Prefix})", StringComparer.Ordinal, ct),
            _ => [],
        };
}

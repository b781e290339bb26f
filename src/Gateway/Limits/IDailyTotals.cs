using FrontierGateway.Data.Entities;

namespace FrontierGateway.Gateway.Limits;

public readonly record struct DailyKey(string GroupId, string Slug, LimitType Type, DateOnly Day);

/// <summary>
/// The UTC-day counters' copy in the database (table <c>DailyUsage</c>), kept apart from admission: the usage
/// writer stores the totals that changed with each batch, and start-up loads today's back so that daily limits
/// survive a restart. The in-process implementation is <see cref="DailyTotals"/>.
/// </summary>
public interface IDailyTotals
{
    /// <summary>The daily counters changed since the last call, each with its new total.</summary>
    ValueTask<IReadOnlyList<KeyValuePair<DailyKey, long>>> TakeChangedAsync(CancellationToken ct = default);

    /// <summary>Raises the counters to totals stored before this host started; a counter never goes down.</summary>
    ValueTask LoadAsync(IReadOnlyList<KeyValuePair<DailyKey, long>> totals, CancellationToken ct = default);
}

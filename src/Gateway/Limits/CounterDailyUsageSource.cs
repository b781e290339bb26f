using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;

namespace FrontierGateway.Gateway.Limits;

/// <summary>Today's usage from the live counters, so the usage API is current to the last call.</summary>
internal sealed class CounterDailyUsageSource(ICounterStore counters) : IDailyUsageSource
{
    public async Task<long?> ReadAsync(string groupId, string slug, LimitType type, DateOnly day, CancellationToken ct) =>
        await counters.ReadDailyAsync(groupId, slug, type, day, ct);
}

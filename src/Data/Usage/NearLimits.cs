using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Usage;

/// <summary>
/// One daily counter against one limit: how much of it is used today. <see cref="GroupId"/> is the group whose counter
/// it is (in CASCADING, the pool of the group that set the limit); <see cref="SourceGroupId"/> is where the limit is
/// declared, the group to edit to raise it.
/// </summary>
public sealed record LimitPressure(string GroupId, string GroupName, string Slug, LimitType Type, LimitUnit Unit,
    long Threshold, string SourceGroupId, long Used)
{
    /// <summary>Used as a share of the threshold, 0.95 for 95 %; above 1 when real usage ran past a TOKEN limit.</summary>
    public double Fraction => Threshold <= 0 ? 0 : (double)Used / Threshold;
}

/// <summary>One key's share of a limit of its group today: which key is eating the limit.</summary>
public sealed record KeyPressure(string Prefix, string? Name, string GroupId, string GroupName, string Slug, LimitType Type,
    long Threshold, string SourceGroupId, long Used)
{
    public double Fraction => Threshold <= 0 ? 0 : (double)Used / Threshold;
}

/// <summary>A group's refused calls (429) among its calls over a recent window, from the request log.</summary>
public sealed record GroupRefusals(string GroupId, string GroupName, long Refused, long Calls);

/// <summary>The ranking rule of the near-limit view, in one place.</summary>
public static class NearLimits
{
    /// <summary>
    /// Closest first: by the share of the threshold used, then by the amount used (of two at 95 %, the bigger
    /// counter), then by group and slug so the order is stable. Counters with nothing used today are not near a limit.
    /// </summary>
    public static List<LimitPressure> Rank(IEnumerable<LimitPressure> counters, int top) =>
        [.. counters.Where(c => c.Used > 0)
            .OrderByDescending(c => c.Fraction).ThenByDescending(c => c.Used)
            .ThenBy(c => c.GroupId, StringComparer.Ordinal).ThenBy(c => c.Slug, StringComparer.Ordinal).ThenBy(c => c.Type)
            .Take(top)];

    /// <summary>Keys by the largest share of one of their group's limits they used today.</summary>
    public static List<KeyPressure> RankKeys(IEnumerable<KeyPressure> keys, int top) =>
        [.. keys.Where(k => k.Used > 0)
            .GroupBy(k => k.Prefix).Select(g => g.OrderByDescending(k => k.Fraction).First())
            .OrderByDescending(k => k.Fraction).ThenByDescending(k => k.Used).ThenBy(k => k.Prefix, StringComparer.Ordinal)
            .Take(top)];
}

using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Snapshot;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// A <see cref="SlugPolicy"/> as the scripts of <see cref="CounterScripts"/> take it: their keys and arguments, built
/// once per policy (a snapshot's policies live until the next snapshot) instead of on every call.
/// </summary>
internal sealed class RedisPolicy
{
    public RedisPolicy(SlugPolicy policy)
    {
        var root = policy.RootGroupId;
        var days = policy.DailyGroups;
        AdmitKeys = [.. policy.Rules.Select(r => RedisCounterKeys.Of(root, r.Counter.GroupId, policy.Slug, r.Type, r.Unit)),
            .. days.Select(g => RedisCounterKeys.Of(root, g, policy.Slug, LimitType.Request, LimitUnit.Day))];
        AdmitArguments = [policy.Rules.Length, .. policy.Rules.SelectMany(r => new RedisValue[] { Unit(r.Unit), Type(r.Type), r.Threshold })];
        var tokenWindows = policy.Rules.Where(r => r.Type == LimitType.Token && r.Unit != LimitUnit.Day).ToList();
        TokenKeys = [.. tokenWindows.Select(r => RedisCounterKeys.Of(root, r.Counter.GroupId, policy.Slug, r.Type, r.Unit)),
            .. days.Select(g => RedisCounterKeys.Of(root, g, policy.Slug, LimitType.Token, LimitUnit.Day))];
        TokenUnits = [.. tokenWindows.Select(r => (RedisValue)Unit(r.Unit))];
    }

    /// <summary>The rules' counters in order, then the REQUEST day counters of the call's groups.</summary>
    public RedisKey[] AdmitKeys { get; }

    /// <summary>The rule count, then each rule's unit, type and threshold (after the clock offset).</summary>
    public RedisValue[] AdmitArguments { get; }

    /// <summary>The TOKEN windows, then the TOKEN day counters of the call's groups.</summary>
    public RedisKey[] TokenKeys { get; }

    /// <summary>The unit of each TOKEN window.</summary>
    public RedisValue[] TokenUnits { get; }

    private static string Unit(LimitUnit unit) => unit switch
    {
        LimitUnit.Second => "S",
        LimitUnit.Minute => "M",
        _ => "D",
    };

    private static string Type(LimitType type) => type == LimitType.Request ? "R" : "T";
}

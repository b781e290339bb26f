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
        Policy = policy;
        Root = root;
        var dayTokens = policy.Rules.Where(r => r.Type == LimitType.Token && r.Unit == LimitUnit.Day)
            .Select(r => RedisCounterKeys.Reservations(root, r.Counter.GroupId, policy.Slug)).ToList();
        AdmitKeys = [.. policy.Rules.Select(r => RedisCounterKeys.Of(root, r.Counter.GroupId, policy.Slug, r.Type, r.Unit)),
            .. dayTokens,
            .. days.Select(g => RedisCounterKeys.Of(root, g, policy.Slug, LimitType.Request, LimitUnit.Day)),
            .. days.Select(g => RedisCounterKeys.RevokedGroup(root, g))];
        AdmitArguments = [policy.Rules.Length, dayTokens.Count, days.Length,
            .. policy.Rules.SelectMany(r => new RedisValue[] { Unit(r.Unit), Type(r.Type), r.Threshold })];
        var tokenWindows = policy.Rules.Where(r => r.Type == LimitType.Token && r.Unit != LimitUnit.Day).ToList();
        SettleKeys = [.. tokenWindows.Select(r => RedisCounterKeys.Of(root, r.Counter.GroupId, policy.Slug, r.Type, r.Unit)),
            .. dayTokens,
            .. days.Select(g => RedisCounterKeys.Of(root, g, policy.Slug, LimitType.Token, LimitUnit.Day))];
        SettleHeader = [tokenWindows.Count, dayTokens.Count, days.Length, .. tokenWindows.Select(r => (RedisValue)Unit(r.Unit))];
        HasTokenWindows = tokenWindows.Count > 0;
    }

    public SlugPolicy Policy { get; }

    /// <summary>The root of the policy's tree, whose hash tag every key of a call has.</summary>
    public string Root { get; }

    /// <summary>
    /// The rules' counters in order, the DAY TOKEN rules' reservations, the REQUEST day counters of the call's groups,
    /// then the groups' revocation markers (the key's marker is the call's own, added last).
    /// </summary>
    public RedisKey[] AdmitKeys { get; }

    /// <summary>The rule, reservation-window and day-counter counts, then each rule's unit, type and threshold.</summary>
    public RedisValue[] AdmitArguments { get; }

    /// <summary>The TOKEN windows, the DAY TOKEN rules' reservations, then the TOKEN day counters of the call's groups.</summary>
    public RedisKey[] SettleKeys { get; }

    /// <summary>The TOKEN window, reservation-window and TOKEN day-counter counts, then the unit of each TOKEN window.</summary>
    public RedisValue[] SettleHeader { get; }

    /// <summary>
    /// Whether a rule limits tokens per SECOND or MINUTE: on those windows a call's tokens beyond its reservation count
    /// from when it is settled, so such a settle is not held back (<see cref="RedisSettlements"/>).
    /// </summary>
    public bool HasTokenWindows { get; }

    private static string Unit(LimitUnit unit) => unit switch
    {
        LimitUnit.Second => "S",
        LimitUnit.Minute => "M",
        _ => "D",
    };

    private static string Type(LimitType type) => type == LimitType.Request ? "R" : "T";
}

using FrontierGateway.Data.Entities;
using StackExchange.Redis;

namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// Where <see cref="RedisCounterStore"/> keeps a counter: <c>frontier-gateway:{root}:group:slug:TYPE:UNIT</c>. The root
/// group's id in braces is the Redis Cluster hash tag: every counter of one tree is in one slot, so one script may
/// count a call on all of them, and trees spread over the cluster. A DAY key holds every recent day (by day number).
/// The revocation markers live in the tree's slot too, so that the admission script can check them.
/// </summary>
internal static class RedisCounterKeys
{
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    public static RedisKey Of(string root, string group, string slug, LimitType type, LimitUnit unit) =>
        $"frontier-gateway:{{{root}}}:{group}:{slug}:{Name(type)}:{Name(unit)}";

    /// <summary>
    /// The reservations held on a DAY TOKEN counter, apart from its totals: the totals' key and <c>:reserved</c>, which
    /// is how the scripts find the totals a reservation never settled moves into (<see cref="CounterScripts"/>).
    /// </summary>
    public static RedisKey Reservations(string root, string group, string slug) =>
        Of(root, group, slug, LimitType.Token, LimitUnit.Day).Append(":reserved");

    /// <summary>Set when the key was revoked, for the hosts whose snapshot still has it.</summary>
    public static RedisKey RevokedKey(string root, string prefix) => $"frontier-gateway:{{{root}}}:revoked:key:{prefix}";

    /// <summary>Set when the group was deleted, for the hosts whose snapshot still has it.</summary>
    public static RedisKey RevokedGroup(string root, string group) => $"frontier-gateway:{{{root}}}:revoked:group:{group}";

    /// <summary>The field of <paramref name="day"/> in a DAY key: days since 1970-01-01, as the scripts count them.</summary>
    public static RedisValue Field(DateOnly day) => day.DayNumber - Epoch;

    public static DateOnly Day(long field) => DateOnly.FromDayNumber(Epoch + (int)field);

    private static string Name(LimitType type) => type == LimitType.Request ? "REQUEST" : "TOKEN";

    private static string Name(LimitUnit unit) => unit switch
    {
        LimitUnit.Second => "SECOND",
        LimitUnit.Minute => "MINUTE",
        _ => "DAY",
    };
}

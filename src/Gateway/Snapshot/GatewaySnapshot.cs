using System.Collections.Frozen;
using System.Text.Json;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Pricing;

namespace FrontierGateway.Gateway.Snapshot;

/// <summary>One counter: a group's use of a slug, per type and window.</summary>
public readonly record struct CounterKey(string GroupId, string Slug, LimitType Type, LimitUnit Unit);

/// <summary>An effective limit, resolved to the counter it is checked against.</summary>
public sealed record LimitRule(LimitType Type, LimitUnit Unit, long Threshold, string SourceGroupId, CounterKey Counter);

/// <summary>What a call of one slug by one group is checked against and metered to.</summary>
/// <param name="DailyGroups">Groups whose daily counters the call adds to: itself, and in CASCADING every ancestor.</param>
/// <param name="RootGroupId">
/// The root of the group's tree: every counter of the policy belongs to a group of that tree, so a shared store keeps
/// them together (one Redis hash tag) and counts a call on all of them at once.
/// </param>
public sealed record SlugPolicy(string Slug, LimitRule[] Rules, string[] DailyGroups, string RootGroupId)
{
    /// <summary>Whether any rule limits tokens: only then does admission count the prompt and reserve tokens.</summary>
    public bool HasTokenLimits { get; } = Array.Exists(Rules, r => r.Type == LimitType.Token);

    /// <summary>Whether <paramref name="other"/> says the same (a record's own equality compares arrays by reference).</summary>
    public bool SameAs(SlugPolicy other) =>
        Slug == other.Slug && RootGroupId == other.RootGroupId && Rules.AsSpan().SequenceEqual(other.Rules)
        && DailyGroups.AsSpan().SequenceEqual(other.DailyGroups);
}

/// <summary>What a group's calls are checked against: each slug it may call, in its declared order.</summary>
/// <remarks>
/// A snapshot holds one per group (100,000 at the bench's size), and most groups have a slug or two: the slugs are an
/// array, looked up by a scan, with a frozen dictionary beside it only past <see cref="ScannedSlugs"/>. A
/// <c>FrozenDictionary</c> of one slug kept 168 bytes (against the array's 32) and a second array gave the order.
/// </remarks>
public sealed class GroupPolicy
{
    /// <summary>Slugs found by comparing each: at this size a scan of ordinal comparisons beats hashing the slug.</summary>
    private const int ScannedSlugs = 8;

    private readonly SlugPolicy[] slugs;
    private readonly FrozenDictionary<string, SlugPolicy>? index;

    /// <param name="slugs">Every slug the group may call, in order; the policy keeps the array, never to be written.</param>
    /// <param name="rootGroupId">The root of the group's tree (the group itself for a root).</param>
    public GroupPolicy(string id, string externalEntityId, SlugPolicy[] slugs, string rootGroupId)
    {
        (Id, ExternalEntityId, this.slugs, RootGroupId) = (id, externalEntityId, slugs, rootGroupId);
        index = slugs.Length > ScannedSlugs ? slugs.ToFrozenDictionary(s => s.Slug, StringComparer.Ordinal) : null;
    }

    public string Id { get; }

    public string ExternalEntityId { get; }

    /// <summary>Every slug the group may call, in the order its models are declared (the chain's, nearest first).</summary>
    public IReadOnlyList<SlugPolicy> Slugs => slugs;

    /// <summary>The root of the group's tree (the group itself for a root).</summary>
    public string RootGroupId { get; }

    /// <summary>The policy of <paramref name="slug"/>, or null when the group may not call it.</summary>
    public SlugPolicy? Find(string slug)
    {
        if (index is not null)
        {
            return index.GetValueOrDefault(slug);
        }
        foreach (var policy in slugs)
        {
            if (string.Equals(policy.Slug, slug, StringComparison.Ordinal))
            {
                return policy;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="other"/> says the same.</summary>
    public bool SameAs(GroupPolicy other)
    {
        if (Id != other.Id || ExternalEntityId != other.ExternalEntityId || RootGroupId != other.RootGroupId
            || slugs.Length != other.slugs.Length)
        {
            return false;
        }
        for (var i = 0; i < slugs.Length; i++)
        {
            if (!slugs[i].SameAs(other.slugs[i]))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// One upstream of an endpoint, as a YARP destination. <paramref name="Model"/> is the name the upstream gets
/// (the target model, else the slug), also kept as a JSON string for the body splice. <paramref name="Weight"/>
/// and <paramref name="Priority"/> steer the load balancing (<c>PriorityLoadBalancing</c>).
/// </summary>
public sealed record RouteTarget(string DestinationId, ProviderKind Provider, string? BaseUrl, string Model,
    string? Secret, int Weight = 1, int Priority = 0)
{
    public byte[] ModelJson { get; } = JsonSerializer.SerializeToUtf8Bytes(Model);

    /// <summary>The YARP destination of an endpoint's target (its cluster is the endpoint's id).</summary>
    public static string IdOf(string endpointId, int position) => $"{endpointId}-{position}";
}

/// <param name="Price">The slug's price when the snapshot was taken: what the calls it serves cost; null for none.</param>
public sealed record EndpointRoute(string Slug, string ClusterId, bool Simulated,
    FrozenDictionary<string, RouteTarget> Destinations, ModelPrice? Price = null);

/// <summary>
/// Everything the request path reads, as one immutable object swapped whole when data changes:
/// the request path never queries the database.
/// </summary>
public sealed record GatewaySnapshot(
    SnapshotTable<KeyEntry> Keys,
    SnapshotTable<GroupPolicy> Groups,
    FrozenDictionary<string, EndpointRoute> Endpoints)
{
    public static readonly GatewaySnapshot Empty = new(SnapshotTable<KeyEntry>.Empty,
        SnapshotTable<GroupPolicy>.Empty, FrozenDictionary<string, EndpointRoute>.Empty);
}

using System.Globalization;
using System.Text;
using FrontierGateway.Gateway.Snapshot;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// A snapshot as text, one line per fact in a fixed order: two snapshots are structurally equal when their texts
/// are, and a failed comparison shows the line that differs.
/// </summary>
internal static class SnapshotText
{
    /// <summary>The snapshot as reading everything from the database gives it.</summary>
    public static async Task<GatewaySnapshot> LoadWholeAsync(SnapshotLoader loader)
    {
        var groups = await loader.LoadGroupsAsync(CancellationToken.None);
        return new GatewaySnapshot(await loader.LoadKeysAsync(CancellationToken.None), SnapshotTable<GroupPolicy>.From(groups.Policies),
            await loader.LoadEndpointsAsync(CancellationToken.None));
    }

    /// <summary>The lines of two texts that differ, for a failed comparison's message.</summary>
    public static string Difference(string expected, string actual)
    {
        var whole = expected.Split('\n');
        var refreshed = actual.Split('\n');
        return string.Join('\n', whole.Except(refreshed).Select(l => "- loaded whole:  " + l)
            .Concat(refreshed.Except(whole).Select(l => "+ refreshed:     " + l)));
    }

    /// <param name="groupIds">Ids to look up besides those the table lists (deleted ones: they must be absent).</param>
    public static string Of(GatewaySnapshot snapshot, IEnumerable<string> groupIds)
    {
        var text = new StringBuilder();
        foreach (var (prefix, key) in snapshot.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"key {prefix} {key.Prefix} {Convert.ToHexString(key.SecretHash)} {key.GroupId} {key.ExpiresAt:O}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"groups {snapshot.Groups.Count}");
        var ids = snapshot.Groups.Keys.Concat(groupIds).Distinct().Order(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!snapshot.Groups.TryGetValue(id, out var group))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"group {id} absent");
                continue;
            }
            Append(text, id, group);
        }
        foreach (var (slug, route) in snapshot.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"endpoint {slug} {route.Slug} {route.ClusterId} simulated={route.Simulated}");
            foreach (var (id, t) in route.Destinations.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  target {id} {t.DestinationId} {t.Provider} {t.BaseUrl} {t.Model} {t.Secret} {t.Weight} {t.Priority} {Encoding.UTF8.GetString(t.ModelJson)}");
            }
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, string id, GroupPolicy group)
    {
        text.AppendLine(CultureInfo.InvariantCulture,
            $"group {id} {group.Id} {group.ExternalEntityId} root={group.RootGroupId} order={string.Join(',', group.Slugs.Select(s => s.Slug))}");
        foreach (var policy in group.Slugs.OrderBy(s => s.Slug, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  slug {policy.Slug} found={ReferenceEquals(group.Find(policy.Slug), policy)} root={policy.RootGroupId} daily={string.Join(',', policy.DailyGroups)} tokens={policy.HasTokenLimits}");
            foreach (var rule in policy.Rules)
            {
                var c = rule.Counter;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"    rule {rule.Type} {rule.Unit} {rule.Threshold} from={rule.SourceGroupId} counter={c.GroupId}/{c.Slug}/{c.Type}/{c.Unit}");
            }
        }
    }
}

using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Snapshot;

/// <summary>
/// Random writes through the real domain services, so that each publishes the change set it publishes in the host:
/// keys minted (half with an expiry) and revoked, groups created (root or child, either mode), their limits, models
/// and names changed, groups deleted with their subtree, endpoints created, changed and deleted. A write the services
/// refuse (a CASCADING limit above its parent's, a slug taken) changes nothing and counts as refused.
/// </summary>
internal sealed class RandomChanges(IServiceProvider services, Random random)
{
    private static readonly string[] Slugs = ["acme/a", "acme/b", "acme/c", "acme/d"];
    private readonly GroupService groups = services.GetRequiredService<GroupService>();
    private readonly KeyService keys = services.GetRequiredService<KeyService>();
    private readonly EndpointService endpoints = services.GetRequiredService<EndpointService>();
    private readonly List<(string Id, string? Parent, int Depth)> live = [];
    private readonly List<(string Group, string Prefix)> liveKeys = [];
    private readonly List<string> endpointIds = [];
    private int made;

    /// <summary>Every group id ever created, deleted ones included.</summary>
    public HashSet<string> GroupIds { get; } = new(StringComparer.Ordinal);

    /// <summary>How many writes of each kind the services carried out.</summary>
    public Dictionary<string, int> Done { get; } = [];

    /// <summary>Makes one random write; returns what it was.</summary>
    public async Task<string> StepAsync()
    {
        var (kind, write) = random.Next(11) switch
        {
            0 => ("root", (Func<Task>)(() => CreateAsync(null))),
            1 or 2 => ("child", () => CreateAsync(Pick(live.Where(g => g.Depth < HierarchyRules.MaxDepth).Select(g => g.Id).ToList()))),
            3 or 4 => ("limits", () => OnGroupAsync(id => groups.PatchAsync(id, new GroupPatchInput(null, Models(), null), "test"))),
            5 => ("name", () => OnGroupAsync(id => groups.PatchAsync(id, new GroupPatchInput(new MetadataInput($"n{made++}", null), null, null), "test"))),
            6 => ("delete", DeleteAsync),
            7 or 8 => ("mint", () => OnGroupAsync(async id => liveKeys.Add((id, (await keys.MintAsync(id, new KeyCreateInput(null, Expiry()), "test")).Prefix)))),
            9 => ("revoke", RevokeAsync),
            _ => ("endpoint", EndpointAsync),
        };
        try
        {
            await write();
            Done[kind] = Done.GetValueOrDefault(kind) + 1;
            return kind;
        }
        catch (DomainException e)
        {
            return $"{kind} refused: {e.Message}";
        }
    }

    private async Task CreateAsync(string? parentId)
    {
        var mode = parentId is null ? (random.Next(2) == 0 ? "INDEPENDENT" : "CASCADING") : null;
        var view = await groups.CreateAsync(new GroupCreateInput(new MetadataInput(null, $"ext-{made++}"), Models(),
            new HierarchyInput(mode, parentId)), "test");
        var depth = parentId is null ? 1 : live.Single(g => g.Id == parentId).Depth + 1;
        live.Add((view.Id, parentId, depth));
        GroupIds.Add(view.Id);
    }

    private async Task OnGroupAsync(Func<string, Task> write)
    {
        if (Pick(live.ConvertAll(g => g.Id)) is { } id)
        {
            await write(id);
        }
    }

    private async Task DeleteAsync()
    {
        if (Pick(live.ConvertAll(g => g.Id)) is not { } id)
        {
            return;
        }
        await groups.DeleteAsync(id, "test");
        var gone = new HashSet<string> { id };
        for (var depth = 0; depth < HierarchyRules.MaxDepth; depth++)
        {
            gone.UnionWith(live.Where(g => g.Parent is not null && gone.Contains(g.Parent)).Select(g => g.Id));
        }
        live.RemoveAll(g => gone.Contains(g.Id));
        liveKeys.RemoveAll(k => gone.Contains(k.Group));
    }

    private async Task RevokeAsync()
    {
        if (liveKeys.Count > 0)
        {
            var (group, prefix) = liveKeys[random.Next(liveKeys.Count)];
            await keys.RevokeAsync(group, prefix, "test");
            liveKeys.Remove((group, prefix));
        }
    }

    private async Task EndpointAsync()
    {
        var input = new EndpointInput(Slugs[random.Next(Slugs.Length)], [.. Enumerable.Range(0, random.Next(1, 3)).Select(i =>
            random.Next(2) == 0
                ? new TargetInput("SIMULATED", null, null, null, null, null)
                : new TargetInput("OPENAI_COMPATIBLE", $"https://u{random.Next(3)}.example/v1", $"m{i}", $"s{random.Next(9)}", null, null,
                    random.Next(1, 4), random.Next(2)))]);
        switch (endpointIds.Count == 0 ? 0 : random.Next(3))
        {
            case 0:
                endpointIds.Add((await endpoints.CreateAsync(input, "test")).Id);
                break;
            case 1:
                await endpoints.PatchAsync(Pick(endpointIds)!, input, "test");
                break;
            default:
                var id = Pick(endpointIds)!;
                await endpoints.DeleteAsync(id, "test");
                endpointIds.Remove(id);
                break;
        }
    }

    /// <summary>One to three slugs, each with a random set of rate and usage limits.</summary>
    private List<ModelInput?> Models() => [.. Slugs.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(slug =>
        new ModelInput(slug, Limits(["SECOND", "MINUTE"]), Limits(["DAY"])))];

    private List<LimitInput?> Limits(string[] units) =>
        [.. new[] { "TOKEN", "REQUEST" }.Where(_ => random.Next(2) == 0)
            .Select(type => new LimitInput(type, units[random.Next(units.Length)], random.Next(1, 5) * 100))];

    /// <summary>None for half the keys, else an expiry days out (the snapshot keeps it to the tick).</summary>
    private DateTime? Expiry() => random.Next(2) == 0 ? null : DateTime.UtcNow.AddDays(random.Next(1, 30)).AddTicks(random.Next(10_000));

    private string? Pick(List<string> ids) => ids.Count == 0 ? null : ids[random.Next(ids.Count)];
}

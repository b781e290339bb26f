using FrontierGateway.Data;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Portal.Overview;

/// <summary>The workspace's headline counts, as the overview page shows them.</summary>
public sealed record WorkspaceCounts(int Groups, int LiveKeys, int Endpoints);

/// <summary>A group as a filter offers it: its id and the name an operator recognises.</summary>
public sealed record GroupChoice(string Id, string Label);

/// <summary>What the overview and the live dashboard read of the workspace, one short-lived context per call.</summary>
public sealed class WorkspaceOverview(IDbContextFactory<FrontierDbContext> dbFactory, TimeProvider time)
{
    public async Task<WorkspaceCounts> CountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return new WorkspaceCounts(
            await db.Groups.CountAsync(ct),
            await db.CustomerApiKeys.Live(time.GetUtcNow().UtcDateTime).CountAsync(ct),
            await db.Endpoints.CountAsync(ct));
    }

    /// <summary>The first-run checklist's state: see <see cref="FirstSteps"/>.</summary>
    public Task<FirstSteps> FirstStepsAsync(CancellationToken ct = default) => FirstSteps.ReadAsync(dbFactory, ct);

    /// <summary>Every group that is not deleted, by name: "Name (external id)", or the external id alone.</summary>
    public async Task<IReadOnlyList<GroupChoice>> ListGroupsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Groups.AsNoTracking()
            .OrderBy(g => g.Name ?? g.ExternalEntityId)
            .Select(g => new GroupChoice(g.Id, g.Name == null ? g.ExternalEntityId : g.Name + " (" + g.ExternalEntityId + ")"))
            .ToListAsync(ct);
    }
}

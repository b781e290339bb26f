using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway;

/// <summary>In Development only: the bootstrap workspace key and a SIMULATED endpoint, when absent.</summary>
internal sealed class DevelopmentSeeder(IHostEnvironment env, IOptions<ManagementOptions> options,
    WorkspaceKeyService workspaceKeys, EndpointService endpoints, IDbContextFactory<FrontierDbContext> dbFactory)
    : IDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        if (!env.IsDevelopment())
        {
            return;
        }
        if (options.Value.BootstrapApiKey is { Length: > 0 } key)
        {
            await workspaceKeys.EnsureAsync(key, "bootstrap", WorkspaceScope.Manage, ct);
        }
        if (options.Value.SeedEndpoint is { Length: > 0 } slug)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Endpoints.AnyAsync(e => e.Slug == slug, ct))
            {
                await endpoints.CreateAsync(new EndpointInput(slug, [new TargetInput("SIMULATED", null, null, null, null, null)]),
                    "system:seed", ct);
            }
        }
    }
}

using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Data;

/// <summary>The one data model: gateway entities, Identity tables and Data Protection keys.</summary>
/// <remarks>
/// Each provider has its own migration set, generated from the repository root with
/// <c>dotnet ef migrations add &lt;Name&gt; --project src/Data --startup-project src/Data --context FrontierDbContext --output-dir Migrations/Sqlite</c>
/// and
/// <c>dotnet ef migrations add &lt;Name&gt; --project src/Data --startup-project src/Data --context PostgresFrontierDbContext --output-dir Migrations/Postgres</c>,
/// and applied at start-up by <see cref="DatabaseInitializer"/>. Not sealed only for <see cref="PostgresFrontierDbContext"/>.
/// </remarks>
public class FrontierDbContext(DbContextOptions<FrontierDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupModel> GroupModels => Set<GroupModel>();
    public DbSet<ModelLimit> ModelLimits => Set<ModelLimit>();
    public DbSet<Endpoint> Endpoints => Set<Endpoint>();
    public DbSet<EndpointTarget> EndpointTargets => Set<EndpointTarget>();
    public DbSet<CustomerApiKey> CustomerApiKeys => Set<CustomerApiKey>();
    public DbSet<WorkspaceApiKey> WorkspaceApiKeys => Set<WorkspaceApiKey>();
    public DbSet<DailyUsage> DailyUsage => Set<DailyUsage>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ChangeEntry> Changes => Set<ChangeEntry>();
    public DbSet<UsageEvent> UsageEvents => Set<UsageEvent>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookSecret> WebhookSecrets => Set<WebhookSecret>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<RequestLogEntry> RequestLog => Set<RequestLogEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FrontierDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }
}

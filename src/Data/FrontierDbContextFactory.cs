using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data;

/// <summary>Makes the context type whose migrations match the configured provider (see <see cref="PostgresFrontierDbContext"/>).</summary>
internal sealed class FrontierDbContextFactory(DbContextOptions<FrontierDbContext> options, IOptions<DataOptions> data)
    : IDbContextFactory<FrontierDbContext>
{
    private readonly bool postgres = data.Value.ParsedProvider == DataProvider.Postgres;

    public FrontierDbContext CreateDbContext() =>
        postgres ? new PostgresFrontierDbContext(options) : new FrontierDbContext(options);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FrontierGateway.Data;

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without starting the host (<c>--context FrontierDbContext</c>).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<FrontierDbContext>
{
    public FrontierDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FrontierDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>
/// The PostgreSQL model for <c>dotnet ef</c> (<c>--context PostgresFrontierDbContext</c>). Adding a migration never
/// connects, so the connection string names no real server.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFrontierDbContext>
{
    public PostgresFrontierDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FrontierDbContext>().UseNpgsql("Host=localhost;Database=frontier_design").Options);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FrontierGateway.Data;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<FrontierDbContext>
{
    public FrontierDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FrontierDbContext>().UseSqlite("Data Source=design.db").Options);
}

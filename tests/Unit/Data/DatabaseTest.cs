using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>A test of the data layer over a fresh, migrated SQLite file (<see cref="TestData"/>).</summary>
public abstract class DatabaseTest : IAsyncLifetime
{
    protected TestData Data { get; } = new();

    protected ServiceProvider Services { get; private set; } = null!;

    protected IDbContextFactory<FrontierDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();

    public virtual async Task InitializeAsync()
    {
        var collection = new ServiceCollection();
        Data.Register(collection);
        Services = collection.BuildServiceProvider();
        await TestData.MigrateAsync(Services);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Data.DisposeAsync();
    }
}

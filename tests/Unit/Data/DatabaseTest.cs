using FrontierGateway.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>
/// A test of the data layer over a fresh, migrated database (<see cref="TestData"/>). A suite that runs on both
/// providers is abstract, with a nested <c>OnSqlite</c> and <c>OnPostgres</c> class that each pass their provider.
/// </summary>
public abstract class DatabaseTest(DataProvider provider = DataProvider.Sqlite) : IAsyncLifetime
{
    private IHost? host;

    protected TestData Data { get; } = new(provider);

    protected IServiceProvider Services => host!.Services;

    protected IDbContextFactory<FrontierDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<FrontierDbContext>>();

    public virtual async Task InitializeAsync() => host = await Data.StartAsync();

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
        await Data.DisposeAsync();
    }
}

using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Data;

/// <summary>What the README promises of a power loss rests on these settings of the SQLite connection.</summary>
public sealed class DurabilityTests : DatabaseTest
{
    [Fact]
    public async Task Connection_IsWalWithFullSynchronous_SoEveryCommitIsFsynced()
    {
        await using var sut = await DbFactory.CreateDbContextAsync();
        await sut.Database.OpenConnectionAsync();

        var mode = await sut.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        var synchronous = await sut.Database.SqlQueryRaw<long>("PRAGMA synchronous").ToListAsync();

        Assert.Equal("wal", Assert.Single(mode));
        Assert.Equal(2, Assert.Single(synchronous)); // FULL
    }
}

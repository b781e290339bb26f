using FrontierGateway.Data;
using FrontierGateway.Data.Audit;
using FrontierGateway.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Data.Audit;

public abstract class AuditQueryServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : AuditQueryServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : AuditQueryServiceTests(DataProvider.Postgres);

    private static readonly DateTime Day = new(2026, 5, 13, 0, 0, 0, DateTimeKind.Utc);

    private AuditQueryService sut = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = await DbFactory.CreateDbContextAsync();
        db.AuditEntries.AddRange(
            Entry(Day.AddHours(1), "user:Alice@example.com", "endpoint.create", "endpoint", "ep_1"),
            Entry(Day.AddHours(2), "user:bob@example.com", "endpoint.update", "endpoint", "ep_1"),
            Entry(Day.AddHours(3), "system:seed", "workspace_key.create", "workspace_key", "fgwdevbootstrap0"),
            Entry(Day.AddDays(1).AddHours(1), "user:alice@example.com", "group.create", "group", "grp_7"),
            Entry(Day.AddDays(2), "user:alice@example.com", "user.invite", "user", "u-42"));
        await db.SaveChangesAsync();
        sut = new AuditQueryService(DbFactory);
    }

    [Fact]
    public async Task QueryAsync_NoFilter_NewestFirstWithTotal()
    {
        var page = await sut.QueryAsync(new AuditFilter(), 0, 2);

        Assert.Equal(5, page.TotalCount);
        Assert.Equal(["user.invite", "group.create"], page.Items.Select(i => i.Action));
    }

    [Fact]
    public async Task QueryAsync_SecondPage_ContinuesWhereTheFirstEnded()
    {
        var page = await sut.QueryAsync(new AuditFilter(), 1, 2);

        Assert.Equal(["workspace_key.create", "endpoint.update"], page.Items.Select(i => i.Action));
    }

    [Fact]
    public async Task QueryAsync_ActorPart_MatchesIgnoringCase()
    {
        var page = await sut.QueryAsync(new AuditFilter(Actor: " ALICE "), 0, 50);

        Assert.Equal(3, page.TotalCount);
        Assert.All(page.Items, i => Assert.Contains("alice", i.Actor, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task QueryAsync_ActionAndTarget_BothApply()
    {
        var page = await sut.QueryAsync(new AuditFilter(Action: "endpoint.", Target: "ep_1"), 0, 50);

        Assert.Equal(["endpoint.update", "endpoint.create"], page.Items.Select(i => i.Action));
    }

    [Fact]
    public async Task QueryAsync_TargetType_Matches()
    {
        var page = await sut.QueryAsync(new AuditFilter(Target: "workspace_key"), 0, 50);

        Assert.Equal("fgwdevbootstrap0", Assert.Single(page.Items).TargetId);
    }

    [Fact]
    public async Task QueryAsync_TimeRange_FromInclusiveToExclusive()
    {
        var page = await sut.QueryAsync(new AuditFilter(From: Day.AddHours(2), To: Day.AddDays(1).AddHours(1)), 0, 50);

        Assert.Equal(["workspace_key.create", "endpoint.update"], page.Items.Select(i => i.Action));
    }

    [Fact]
    public async Task QueryAsync_NothingMatches_EmptyPage()
    {
        var page = await sut.QueryAsync(new AuditFilter(Actor: "nobody"), 0, 50);

        Assert.Equal((0, 0), (page.TotalCount, page.Items.Count));
    }

    private static AuditEntry Entry(DateTime at, string actor, string action, string type, string id) =>
        new() { At = at, Actor = actor, Action = action, TargetType = type, TargetId = id, After = "{}" };
}

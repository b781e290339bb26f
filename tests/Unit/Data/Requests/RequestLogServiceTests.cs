using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;

namespace FrontierGateway.Tests.Unit.Data.Requests;

public abstract class RequestLogServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : RequestLogServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : RequestLogServiceTests(DataProvider.Postgres);

    private static readonly DateTime Start = new(2026, 5, 13, 12, 0, 0, DateTimeKind.Utc);
    private RequestLogService sut = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        sut = new RequestLogService(DbFactory);
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Groups.Add(new Group { Id = "grp_a", Name = "Acme", ExternalEntityId = "acme", Depth = 1 });
        db.RequestLog.AddRange(
            Row(0, "grp_a", 200), Row(1, "grp_a", 429, "1 REQUEST per DAY"), Row(2, "grp_b", 200),
            Row(3, "grp_a", 502), Row(4, "grp_a", 200), Row(5, "grp_a", 200));
        await db.SaveChangesAsync();
    }

    private static RequestLogEntry Row(int second, string group, int status, string? limit = null) => new()
    {
        Timestamp = Start.AddSeconds(second), RequestId = $"req_{second}", KeyPrefix = "prefix0000000000", GroupId = group,
        Slug = "org/m", Status = status, LatencyMicroseconds = 1500, RefusedLimit = limit,
    };

    [Fact]
    public async Task ListAsync_OneGroup_NewestFirst_PagedWithoutGapsOrRepeats()
    {
        var first = await sut.ListAsync(new RequestLogFilter(GroupId: "grp_a", Limit: 3));
        var second = await sut.ListAsync(new RequestLogFilter(GroupId: "grp_a", Limit: 3, Before: first.Next));

        Assert.Equal(["req_5", "req_4", "req_3"], first.Rows.Select(r => r.RequestId));
        Assert.Equal(["req_1", "req_0"], second.Rows.Select(r => r.RequestId));
        Assert.Null(second.Next);
        Assert.Equal(("Acme", 1.5), (first.Rows[0].GroupName, first.Rows[0].LatencyMs));
    }

    [Theory]
    [InlineData(RequestOutcome.Refused, new[] { "req_1" })]
    [InlineData(RequestOutcome.Failed, new[] { "req_3" })]
    [InlineData(RequestOutcome.Succeeded, new[] { "req_5", "req_4", "req_2", "req_0" })]
    public async Task ListAsync_ByOutcome_OnlyThoseCalls(RequestOutcome outcome, string[] expected)
    {
        var page = await sut.ListAsync(new RequestLogFilter(Outcome: outcome));

        Assert.Equal(expected, page.Rows.Select(r => r.RequestId));
    }

    [Fact]
    public async Task MostRefusedAsync_GroupsWithRefusalsSinceTheTime_MostFirst()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.RequestLog.AddRange(Row(10, "grp_b", 429), Row(11, "grp_b", 429), Row(-3600, "grp_a", 429));
            await db.SaveChangesAsync();
        }

        var refused = await sut.MostRefusedAsync(Start);

        Assert.Equal([("grp_b", 2L, 3L), ("grp_a", 1L, 5L)], refused.Select(g => (g.GroupId, g.Refused, g.Calls)));
        Assert.Equal("Acme", refused[1].GroupName);
    }

    [Fact]
    public async Task ListAsync_LimitOutOfRange_RefusedNamingTheField()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => sut.ListAsync(new RequestLogFilter(Limit: 0)));

        Assert.Equal("limit", e.Param);
    }
}

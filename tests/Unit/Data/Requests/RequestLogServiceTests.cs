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
    public async Task MostRefusedAsync_MeteredCallsEvents_CountAmongTheCalls()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.AddRange(Event("01JEVENT0000000000000000A1", 6, 200), Event("01JEVENT0000000000000000A2", 7, null),
                Event("01JEVENT0000000000000000A3", -10, 200));
            await db.SaveChangesAsync();
        }

        var refused = await sut.MostRefusedAsync(Start);

        // grp_a: five log rows and one event with a status since Start (not the older one, nor the unlogged one).
        Assert.Equal([("grp_a", 1L, 6L)], refused.Select(g => (g.GroupId, g.Refused, g.Calls)));
        Assert.Equal("Acme", refused[0].GroupName);
    }

    [Fact]
    public async Task ListAsync_MeteredCallsEvents_ListedWithTheLogsRows_PagedWithoutGapsOrRepeats()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            // Two events at the time of a log row (the key orders them), and one the log does not show: no status
            // (written with the request log off, or a call a crash cut off).
            db.UsageEvents.AddRange(Event("01JEVENT0000000000000000A1", 6, 200), Event("01JEVENT0000000000000000A2", 4, 200),
                Event("01JEVENT0000000000000000A3", 4, 201), Event("01JEVENT0000000000000000A4", 7, null));
            await db.SaveChangesAsync();
        }

        // Every page size, so that pages end on a log row and on an event of a time both have (4 s).
        foreach (var limit in new[] { 1, 2, 3, 4 })
        {
            var seen = new List<string>();
            RequestLogCursor? next = null;
            do
            {
                var page = await sut.ListAsync(new RequestLogFilter(GroupId: "grp_a", Limit: limit, Before: next));
                seen.AddRange(page.Rows.Select(r => r.RequestId));
                next = page.Next;
            }
            while (next is not null);

            // At equal times log rows come first, then events (greatest key first).
            Assert.Equal(["req_ev_A1", "req_5", "req_4", "req_ev_A3", "req_ev_A2", "req_3", "req_1", "req_0"], seen);
        }
        var succeeded = await sut.ListAsync(new RequestLogFilter(GroupId: "grp_a", Outcome: RequestOutcome.Succeeded));
        Assert.Equal(6, succeeded.Rows.Count);
        var metered = Assert.Single(succeeded.Rows, r => r.RequestId == "req_ev_A3");
        Assert.Equal((201, 2.5, 30L, "Acme"), (metered.Status, metered.LatencyMs, metered.OutputTokens, metered.GroupName));
    }

    [Fact]
    public async Task ListAsync_Since_LeavesOutOlderRowsAndEvents()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.AddRange(Event("01JEVENT0000000000000000A1", 6, 200), Event("01JEVENT0000000000000000A2", 2, 200));
            await db.SaveChangesAsync();
        }

        var page = await sut.ListAsync(new RequestLogFilter(GroupId: "grp_a", Since: Start.AddSeconds(3)));

        Assert.Equal(["req_ev_A1", "req_5", "req_4", "req_3"], page.Rows.Select(r => r.RequestId));
    }

    [Fact]
    public async Task ListAsync_OneKey_ItsCallsOnly_ARevokedKeysToo_AKeyNeverMintedNone()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.Groups.Add(new Group { Id = "grp_b", Name = "Beta", ExternalEntityId = "beta", Depth = 1 });
            db.CustomerApiKeys.AddRange(
                new CustomerApiKey { Prefix = "prefix0000000000", SecretHash = new byte[32], GroupId = "grp_a" },
                new CustomerApiKey { Prefix = "revoked000000000", SecretHash = new byte[32], GroupId = "grp_b", RevokedAt = Start });
            var refused = Row(6, "grp_b", 429);
            refused.KeyPrefix = "revoked000000000";
            var metered = Event("01JEVENT0000000000000000B1", 7, 200);
            (metered.GroupId, metered.ApiKeyPrefix) = ("grp_b", "revoked000000000");
            db.RequestLog.Add(refused);
            db.UsageEvents.Add(metered);
            await db.SaveChangesAsync();
        }

        var revoked = await sut.ListAsync(new RequestLogFilter(KeyPrefix: "revoked000000000"));
        var live = await sut.ListAsync(new RequestLogFilter(KeyPrefix: "prefix0000000000"));
        var unknown = await sut.ListAsync(new RequestLogFilter(KeyPrefix: "unknown000000000"));

        Assert.Equal(["req_ev_B1", "req_6"], revoked.Rows.Select(r => r.RequestId));
        // The key's rows in its own group only (grp_b's row of that prefix is another key's, in these made-up rows).
        Assert.Equal(["req_5", "req_4", "req_3", "req_1", "req_0"], live.Rows.Select(r => r.RequestId));
        Assert.Empty(unknown.Rows);
        await using var read = await DbFactory.CreateDbContextAsync();
        var filter = await RequestLogService.WithKeysGroupAsync(read, new RequestLogFilter(KeyPrefix: "revoked000000000"), default);
        Assert.Equal("grp_b", filter.GroupId);
    }

    private static UsageEvent Event(string key, int second, int? status) => new()
    {
        IdempotencyKey = key, Timestamp = Start.AddSeconds(second), RequestId = "req_ev_" + key[^2..], ModelSlug = "org/m",
        GroupId = "grp_a", ExternalEntityId = "acme", ApiKeyPrefix = "prefix0000000000", InputTokens = 20, OutputTokens = 30,
        Status = status, LatencyMicroseconds = status is null ? null : 2500,
    };

    [Fact]
    public async Task ListAsync_LimitOutOfRange_RefusedNamingTheField()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => sut.ListAsync(new RequestLogFilter(Limit: 0)));

        Assert.Equal("limit", e.Param);
    }
}

/// <summary>SQLite's plans for a page of the log: each table read newest first through an index, never sorted whole.</summary>
public sealed class RequestLogPlanTests() : DatabaseTest(DataProvider.Sqlite)
{
    public static TheoryData<RequestLogFilter> Filters => new()
    {
        new RequestLogFilter(),
        new RequestLogFilter(GroupId: "grp_a"),
        new RequestLogFilter(Before: new RequestLogCursor(DateTime.UtcNow, "r12")),
        new RequestLogFilter(GroupId: "grp_a", Before: new RequestLogCursor(DateTime.UtcNow, "e01JEVENT0000000000000000A1")),
        new RequestLogFilter(GroupId: "grp_a", Outcome: RequestOutcome.Succeeded, Since: DateTime.UtcNow.AddHours(-168)),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Page_ReadsEachTableByIndex_WithoutSortingIt(RequestLogFilter filter)
    {
        await using var db = await DbFactory.CreateDbContextAsync();

        var rows = await QueryPlan.ExplainAsync(db, LoggedCalls.Rows(db, filter).Take(51));
        var events = await QueryPlan.ExplainAsync(db, LoggedCalls.Events(db, filter)!.Take(51));

        Assert.Contains(rows, l => l.StartsWith("SEARCH r USING", StringComparison.Ordinal) || l.StartsWith("SCAN r USING", StringComparison.Ordinal));
        Assert.Contains(events, l => l.StartsWith("SEARCH u USING", StringComparison.Ordinal) || l.StartsWith("SCAN u USING", StringComparison.Ordinal));
        // At most the tie-break of equal times is sorted ("RIGHT PART OF ORDER BY"), not the table.
        Assert.DoesNotContain(rows.Concat(events), l => l == "USE TEMP B-TREE FOR ORDER BY");
    }

    [Theory]
    [InlineData(RequestOutcome.Refused)]
    [InlineData(RequestOutcome.Failed)]
    public async Task Page_RefusedOrFailedCalls_ReadsNoEvents(RequestOutcome outcome)
    {
        await using var db = await DbFactory.CreateDbContextAsync();

        Assert.Null(LoggedCalls.Events(db, new RequestLogFilter(Outcome: outcome)));
    }

    [Fact]
    public async Task Page_OneKey_ReadsItsGroupsIndexes()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Groups.Add(new Group { Id = "grp_k", Name = "Keyed", ExternalEntityId = "keyed", Depth = 1 });
        db.CustomerApiKeys.Add(new CustomerApiKey { Prefix = "keyed00000000000", SecretHash = new byte[32], GroupId = "grp_k" });
        await db.SaveChangesAsync();

        var filter = await RequestLogService.WithKeysGroupAsync(db, new RequestLogFilter(KeyPrefix: "keyed00000000000"), default);
        var rows = await QueryPlan.ExplainAsync(db, LoggedCalls.Rows(db, filter).Take(51));
        var events = await QueryPlan.ExplainAsync(db, LoggedCalls.Events(db, filter)!.Take(51));

        Assert.Contains(rows, l => l.Contains("IX_RequestLog_GroupId_Timestamp", StringComparison.Ordinal));
        Assert.Contains(events, l => l.Contains("IX_UsageEvents_GroupId_Timestamp", StringComparison.Ordinal));
    }
}

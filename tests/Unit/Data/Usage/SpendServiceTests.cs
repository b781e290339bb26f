using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Pricing;
using FrontierGateway.Data.Usage;

namespace FrontierGateway.Tests.Unit.Data.Usage;

public abstract class SpendServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : SpendServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : SpendServiceTests(DataProvider.Postgres);

    private static readonly DateTime Day = new(2026, 5, 13, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ModelPrice Cheap = new("USD", 0.15m, 0.60m);
    private static readonly ModelPrice Dear = new("USD", 3m, 15m);

    private SpendService sut = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        sut = new SpendService(DbFactory);
        await using var db = await DbFactory.CreateDbContextAsync();
        db.UsageEvents.AddRange(
            Event(Day.AddHours(1), "grp_a", "keya000000000001", "org/cheap", 1000, 500, Cheap),
            Event(Day.AddHours(2), "grp_a", "keya000000000001", "org/dear", 333, 77, Dear),
            Event(Day.AddHours(3), "grp_a", "keya000000000002", "org/dear", 1, 1, Dear),
            Event(Day.AddHours(4), "grp_b", "keyb000000000001", "org/cheap", 7, 3, Cheap),
            Event(Day.AddHours(5), "grp_b", "keyb000000000001", "org/eur", 10, 10, new ModelPrice("EUR", 1m, 2m)),
            Event(Day.AddHours(6), "grp_b", "keyb000000000001", "org/free", 10, 10, null),
            Event(Day.AddDays(1), "grp_a", "keya000000000001", "org/dear", 1_000_000, 0, Dear));
        await db.SaveChangesAsync();
    }

    private static UsageEvent Event(DateTime at, string group, string key, string slug, long input, long output, ModelPrice? price)
    {
        var e = new UsageEvent
        {
            IdempotencyKey = Ids.NewUlid(), Timestamp = at, RequestId = "req_" + Ids.NewUlid(), ModelSlug = slug,
            GroupId = group, ExternalEntityId = group, ApiKeyPrefix = key, InputTokens = input, OutputTokens = output,
        };
        EventCost.Apply(e, price);
        return e;
    }

    [Fact]
    public async Task GetAsync_ByGroup_SumsTheStoredCostsExactly_PerCurrency()
    {
        var report = await sut.GetAsync(SpendDimension.Group, Day, Day.AddDays(1));

        // grp_a: (1000 × 0.15 + 500 × 0.60) + (333 × 3 + 77 × 15) + (1 × 3 + 1 × 15) per million = 450 + 2154 + 18.
        var a = Assert.Single(report.Rows, r => r.Key == "grp_a");
        Assert.Equal((0.002622m, 3L, 1334L, 578L), (a.Amount, a.Calls, a.InputTokens, a.OutputTokens));
        Assert.Equal(0.00000285m, Assert.Single(report.Rows, r => r is { Key: "grp_b", Currency: "USD" }).Amount);
        Assert.Equal(0.00003m, Assert.Single(report.Rows, r => r is { Key: "grp_b", Currency: "EUR" }).Amount);
        Assert.Equal([("USD", 0.00262485m), ("EUR", 0.00003m)], report.Totals);
        Assert.Equal(1, report.UnpricedCalls);
    }

    [Fact]
    public async Task GetAsync_ByKeyAndModel_InPeriodOnly()
    {
        var byKey = await sut.GetAsync(SpendDimension.Key, Day, Day.AddDays(1));
        var byModel = await sut.GetAsync(SpendDimension.Model, Day, Day.AddDays(1), groupId: "grp_a");

        Assert.Equal(0.002604m, Assert.Single(byKey.Rows, r => r.Key == "keya000000000001").Amount);
        Assert.Equal(0.000018m, Assert.Single(byKey.Rows, r => r.Key == "keya000000000002").Amount);
        Assert.Equal(["org/dear", "org/cheap"], byModel.Rows.Select(r => r.Key));
        Assert.Equal(0.002172m, byModel.Rows[0].Amount);
    }

    [Fact]
    public async Task GetAsync_EndBeforeStart_RefusedNamingTheField()
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => sut.GetAsync(SpendDimension.Group, Day, Day));

        Assert.Equal("to", e.Param);
    }
}

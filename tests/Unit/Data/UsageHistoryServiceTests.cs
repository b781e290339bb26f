using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Usage;
using Microsoft.EntityFrameworkCore;

namespace FrontierGateway.Tests.Unit.Data;

public abstract class UsageHistoryServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : UsageHistoryServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : UsageHistoryServiceTests(DataProvider.Postgres);

    private readonly ManualTime time = new();
    private UsageHistoryService sut = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        sut = new UsageHistoryService(DbFactory, time);
    }

    private async Task AddAsync(params UsageEvent[] events)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.UsageEvents.AddRange(events);
        await db.SaveChangesAsync();
    }

    private static UsageEvent Event(DateTimeOffset at, long input = 10, long output = 5, string group = "grp_a") => new()
    {
        IdempotencyKey = Ulid.NewUlid().ToString(),
        Timestamp = at.UtcDateTime,
        RequestId = "req_" + Guid.NewGuid().ToString("N"),
        ModelSlug = "org/m",
        GroupId = group,
        ExternalEntityId = group,
        ApiKeyPrefix = "prefix0000000000",
        InputTokens = input,
        OutputTokens = output,
    };

    [Fact]
    public async Task GetAsync_LastHour_SixtyMinuteBucketsEndingWithTheCurrentMinute()
    {
        time.Now = new DateTimeOffset(2026, 5, 13, 12, 30, 40, TimeSpan.Zero);
        await AddAsync(
            Event(time.Now.AddMinutes(-2)), Event(time.Now.AddMinutes(-2).AddSeconds(-15), input: 100),
            Event(time.Now.AddSeconds(-5)),
            Event(new DateTimeOffset(2026, 5, 13, 11, 31, 0, TimeSpan.Zero)),
            Event(new DateTimeOffset(2026, 5, 13, 11, 30, 59, TimeSpan.Zero)));

        var buckets = await sut.GetAsync("grp_a", UsageHistoryRange.LastHour);

        Assert.Equal(60, buckets.Count);
        Assert.Equal(new DateTime(2026, 5, 13, 11, 31, 0, DateTimeKind.Utc), buckets[0].Start);
        Assert.Equal(new DateTime(2026, 5, 13, 12, 30, 0, DateTimeKind.Utc), buckets[^1].Start);
        Assert.Equal(new UsageBucket(buckets[0].Start, 1, 15), buckets[0]);
        Assert.Equal(new UsageBucket(buckets[57].Start, 2, 120), buckets[57]);
        Assert.Equal(new UsageBucket(buckets[^1].Start, 1, 15), buckets[^1]);
        Assert.Equal(4, buckets.Sum(b => b.Requests));
    }

    [Fact]
    public async Task GetAsync_LastDay_HourlyBucketsAcrossMidnight()
    {
        time.Now = new DateTimeOffset(2026, 5, 14, 1, 30, 0, TimeSpan.Zero);
        await AddAsync(
            Event(new DateTimeOffset(2026, 5, 13, 1, 10, 0, TimeSpan.Zero)),
            Event(new DateTimeOffset(2026, 5, 13, 2, 5, 0, TimeSpan.Zero)),
            Event(new DateTimeOffset(2026, 5, 13, 23, 10, 0, TimeSpan.Zero)),
            Event(new DateTimeOffset(2026, 5, 13, 23, 50, 0, TimeSpan.Zero), output: 1000),
            Event(new DateTimeOffset(2026, 5, 14, 0, 50, 0, TimeSpan.Zero)));

        var buckets = await sut.GetAsync("grp_a", UsageHistoryRange.LastDay);

        Assert.Equal(24, buckets.Count);
        Assert.Equal(new UsageBucket(new DateTime(2026, 5, 13, 2, 0, 0, DateTimeKind.Utc), 1, 15), buckets[0]);
        Assert.Equal(new UsageBucket(new DateTime(2026, 5, 13, 23, 0, 0, DateTimeKind.Utc), 2, 1025), buckets[21]);
        Assert.Equal(new UsageBucket(new DateTime(2026, 5, 14, 0, 0, 0, DateTimeKind.Utc), 1, 15), buckets[22]);
        Assert.Equal(new UsageBucket(new DateTime(2026, 5, 14, 1, 0, 0, DateTimeKind.Utc), 0, 0), buckets[23]);
    }

    [Fact]
    public async Task GetAsync_OtherGroupsEvents_AreNotCounted()
    {
        await AddAsync(Event(time.Now.AddMinutes(-1), group: "grp_b"));

        var buckets = await sut.GetAsync("grp_a", UsageHistoryRange.LastHour);

        Assert.All(buckets, b => Assert.Equal((0, 0), (b.Requests, b.Tokens)));
    }
}

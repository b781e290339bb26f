using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;

namespace FrontierGateway.Tests.Unit.Data.Requests;

public abstract class EndpointHealthServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : EndpointHealthServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : EndpointHealthServiceTests(DataProvider.Postgres);

    private readonly ManualTime time = new();

    private RequestLogEntry Row(int minutesAgo, int status, long latencyMs, string slug = "org/m", string? error = null) => new()
    {
        Timestamp = time.GetUtcNow().UtcDateTime.AddMinutes(-minutesAgo), RequestId = "req_" + Ids.NewUlid(),
        KeyPrefix = "prefix0000000000", GroupId = "grp_a", Slug = slug, Status = status, LatencyMicroseconds = latencyMs * 1000,
        Error = error,
    };

    [Fact]
    public async Task GetAsync_LastHour_ErrorRateAndPercentilesOfAdmittedCalls_LastErrorOfAnyAge()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            // 100 calls in the hour: latencies 1..100 ms, 4 of them 502s; a 429 (not the endpoint's fault) and an
            // older 504 outside the hour.
            db.RequestLog.AddRange(Enumerable.Range(1, 100).Select(n => Row(n % 50, n % 25 == 0 ? 502 : 200, n, error: n % 25 == 0 ? "upstream_Request" : null)));
            db.RequestLog.Add(Row(5, 429, 1_000_000, error: "rate_limit_exceeded"));
            db.RequestLog.Add(Row(90, 504, 30_000, slug: "org/old", error: "upstream_RequestTimedOut"));
            await db.SaveChangesAsync();
        }
        var sut = new EndpointHealthService(DbFactory, time);

        var health = await sut.GetAsync(TimeSpan.FromHours(1));

        var m = health["org/m"];
        Assert.Equal((100L, 4L, 0.04), (m.Calls, m.Errors, m.ErrorRate));
        Assert.Equal((50.0, 99.0), (m.P50Ms, m.P99Ms));
        Assert.Equal((502, "upstream_Request"), (m.LastError!.Status, m.LastError.Code));
        var old = health["org/old"];
        Assert.Equal((0L, (double?)null, 504), (old.Calls, old.P99Ms, old.LastError!.Status));
    }

    [Fact]
    public async Task GetAsync_MeteredCallsEvents_CountedWithTheLogsRows()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            // 50 logged calls (1..50 ms, 2 of them 502s) and 50 metered calls, whose rows are their events (51..100
            // ms); an event without a status (the log was off) and one outside the hour are not counted.
            db.RequestLog.AddRange(Enumerable.Range(1, 50).Select(n => Row(n % 50, n % 25 == 0 ? 502 : 200, n)));
            db.UsageEvents.AddRange(Enumerable.Range(51, 50).Select(n => Event(n % 50, 200, n)));
            db.UsageEvents.AddRange(Event(5, null, 5_000), Event(90, 200, 5_000));
            await db.SaveChangesAsync();
        }
        var sut = new EndpointHealthService(DbFactory, time);

        var m = (await sut.GetAsync(TimeSpan.FromHours(1)))["org/m"];

        Assert.Equal((100L, 2L, 0.02), (m.Calls, m.Errors, m.ErrorRate));
        Assert.Equal((50.0, 99.0), (m.P50Ms, m.P99Ms));
    }

    private UsageEvent Event(int minutesAgo, int? status, long latencyMs) => new()
    {
        IdempotencyKey = Ids.NewUlid(), Timestamp = time.GetUtcNow().UtcDateTime.AddMinutes(-minutesAgo),
        RequestId = "req_" + Ids.NewUlid(), ModelSlug = "org/m", GroupId = "grp_a", ExternalEntityId = "a",
        ApiKeyPrefix = "prefix0000000000", Status = status, LatencyMicroseconds = status is null ? null : latencyMs * 1000,
    };

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(0.99, 4.0)]
    [InlineData(0.0, 1.0)]
    public void Percentile_NearestRank(double p, double expectedMs)
    {
        Assert.Equal(expectedMs, EndpointHealthService.Percentile([1000, 2000, 3000, 4000], p));
    }
}

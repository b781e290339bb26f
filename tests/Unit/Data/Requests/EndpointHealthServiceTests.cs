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

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(0.99, 4.0)]
    [InlineData(0.0, 1.0)]
    public void Percentile_NearestRank(double p, double expectedMs)
    {
        Assert.Equal(expectedMs, EndpointHealthService.Percentile([1000, 2000, 3000, 4000], p));
    }
}

using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data.Webhooks;

public abstract class EventQueryServiceTests(DataProvider provider) : DatabaseTest(provider)
{
    public sealed class OnSqlite() : EventQueryServiceTests(DataProvider.Sqlite);

    public sealed class OnPostgres() : EventQueryServiceTests(DataProvider.Postgres);

    private static readonly DateTime Start = new(2026, 5, 13, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(false, "cust_a", null, false)]
    [InlineData(false, null, "keya000000000001", false)]
    [InlineData(false, null, "keya000000000001", true)]
    [InlineData(false, null, null, false)]
    [InlineData(true, "cust_a", null, false)]
    [InlineData(true, null, "keya000000000001", false)]
    [InlineData(true, null, "keya000000000001", true)]
    [InlineData(true, null, null, false)]
    public async Task List_PagesThroughEventsOfEqualTimes_EachOnceInTimeThenKeyOrder(bool newestFirst, string? external,
        string? prefix, bool keysMinted)
    {
        if (keysMinted)
        {
            // Events of keys that have their rows (as calls make them): the page also reads by the key's group.
            await MintAsync("cust_a", "keya000000000001");
            await MintAsync("cust_b", "keyb000000000001");
        }
        // Three seconds with three events each of one customer's key and three of another's, and events just outside.
        var events = Enumerable.Range(0, 9).SelectMany(i => new[]
        {
            Event(Start.AddSeconds(i / 3), "cust_a", "keya000000000001"),
            Event(Start.AddSeconds(i / 3), "cust_b", "keyb000000000001"),
        }).Append(Event(Start.AddSeconds(-1), "cust_a", "keya000000000001"))
            .Append(Event(Start.AddHours(1), "cust_a", "keya000000000001")).ToList();
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.UsageEvents.AddRange(events);
            await db.SaveChangesAsync();
        }
        var sut = Services.GetRequiredService<EventQueryService>();
        var expected = events
            .Where(e => e.Timestamp >= Start && e.Timestamp < Start.AddHours(1))
            .Where(e => (external ?? e.ExternalEntityId) == e.ExternalEntityId && (prefix ?? e.ApiKeyPrefix) == e.ApiKeyPrefix)
            .OrderBy(e => e.Timestamp).ThenBy(e => e.IdempotencyKey, StringComparer.Ordinal).Select(e => e.IdempotencyKey).ToList();
        if (newestFirst)
        {
            expected.Reverse();
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var input = cursor is null
                ? new EventQueryInput("2026-05-13T12:00:00Z", "2026-05-13T13:00:00Z", external, prefix, "2", null)
                : new EventQueryInput(null, null, null, null, "2", cursor);
            var page = newestFirst ? await sut.ListNewestFirstAsync(input) : await sut.ListAsync(input);
            seen.AddRange(page.Items.Select(e => e.IdempotencyKey));
            cursor = page.Cursor;
        }
        while (cursor is not null && seen.Count <= events.Count);

        Assert.Equal(expected, seen);
    }

    private async Task MintAsync(string external, string prefix)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Groups.Add(new Group { Id = "grp_" + external, Name = external, ExternalEntityId = external, Depth = 1 });
        db.CustomerApiKeys.Add(new CustomerApiKey { Prefix = prefix, SecretHash = new byte[32], GroupId = "grp_" + external });
        await db.SaveChangesAsync();
    }

    private static UsageEvent Event(DateTime time, string external, string prefix) => new()
    {
        IdempotencyKey = Ids.NewUlid(), Timestamp = time, RequestId = "req_" + external, ModelSlug = "acme/m",
        GroupId = "grp_" + external, ExternalEntityId = external, ApiKeyPrefix = prefix, InputTokens = 1, OutputTokens = 1,
    };
}

/// <summary>SQLite's plan for a page of one key's events: the key's group's index, not every event's time index.</summary>
public sealed class EventQueryPlanTests() : DatabaseTest(DataProvider.Sqlite)
{
    [Fact]
    public async Task Page_OneKey_ReadsItsGroupsIndex()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var window = new EventWindow(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow, null, "keya000000000001", false) { KeysGroup = "grp_a" };

        var plan = await QueryPlan.ExplainAsync(db, EventQueryService.Page(db, window, null).Take(101));

        Assert.Contains(plan, l => l.Contains("IX_UsageEvents_GroupId_Timestamp", StringComparison.Ordinal));
    }
}

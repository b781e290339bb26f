using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>The contract's UTC-day counters as the usage API and the daily totals' link to the database read them.</summary>
public abstract partial class CounterStoreContract
{
    [Fact]
    public async Task ReadDaily_CountsRequestsAndTokensOnEveryGroupOfThePool()
    {
        var policy = Policy([], "child", "parent");
        var before = await Sut.ReadDailyAsync(Id("child"), Slug, LimitType.Request, Today);

        await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await Sut.SettleAsync(policy, Reservation.None, 42, Now);

        Assert.Null(before);
        foreach (var group in new[] { "child", "parent" })
        {
            Assert.Equal(1, await Sut.ReadDailyAsync(Id(group), Slug, LimitType.Request, Today));
            Assert.Equal(42, await Sut.ReadDailyAsync(Id(group), Slug, LimitType.Token, Today));
        }
        Assert.Null(await Sut.ReadDailyAsync(Id("child"), "acme/other", LimitType.Request, Today));
    }

    [Fact]
    public async Task DailyTotals_TakeChanged_HandsEachNewTotalOverOnce()
    {
        var policy = Policy([], "g");
        await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        var first = Mine(await Totals.TakeChangedAsync());
        var second = Mine(await Totals.TakeChangedAsync());

        Assert.Equal(2, first[new DailyKey(Id("g"), Slug, LimitType.Request, Today)]);
        Assert.Empty(second);
    }

    [Fact]
    public async Task DailyTotals_Load_RaisesTheCountersThatAdmissionChecks()
    {
        var policy = Policy([Rule("g", LimitType.Request, LimitUnit.Day, 5)], "g");
        await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);

        await Totals.LoadAsync([KeyValuePair.Create(new DailyKey(Id("g"), Slug, LimitType.Request, Today), 5L)]);
        // A total of an earlier day leaves today's alone.
        await Totals.LoadAsync([KeyValuePair.Create(new DailyKey(Id("g"), Slug, LimitType.Request, Today.AddDays(-1)), 9L)]);

        Assert.Equal(policy.Rules[0], (await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).RefusedBy);
        Assert.Equal(5, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Request, Today));
    }

    /// <summary>
    /// A call over two limits at once: its minute window and its day are both full. Retrying after the minute does not
    /// help, so Retry-After must cover the day too (until midnight UTC), and the day is the limit to name
    /// (usage_limit_exceeded, which the OpenAI SDKs do not retry within a minute).
    /// </summary>
    [Fact]
    public async Task TryAdmit_OverAMinuteAndADayLimit_RetryAfterCoversTheDay()
    {
        var minute = Rule("g", LimitType.Request, LimitUnit.Minute, 1);
        var day = Rule("g", LimitType.Request, LimitUnit.Day, 1);
        var policy = Policy([minute, day], "g");
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now)).Admitted);

        var refused = await Sut.TryAdmitAsync(policy, KeyPrefix, 0, Now);
        var untilMidnight = Now.Date.AddDays(1) - Now;

        Assert.False(refused.Admitted);
        Assert.Equal((LimitType.Request, LimitUnit.Day), (refused.RefusedBy!.Type, refused.RefusedBy.Unit));
        Assert.True(refused.RetryAfter >= untilMidnight - TimeSpan.FromSeconds(1),
            $"Retry-After {refused.RetryAfter} (refused by {refused.RefusedBy!.Type}/{refused.RefusedBy.Unit}), but the day limit is full for {untilMidnight}");
    }
}

using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>
/// The contract's TOKEN reservations: admission holds a call's most tokens against every TOKEN limit, and settling
/// replaces them with the call's real tokens. Every store runs with the default lifetime of a reservation (15 minutes).
/// </summary>
public abstract partial class CounterStoreContract
{
    [Fact]
    public async Task TryAdmit_TokenReservation_AdmitsOnlyWhatFitsBesideTheOthers()
    {
        var rule = Rule("g", LimitType.Token, LimitUnit.Minute, 1000);
        var policy = Policy([rule], "g");

        var first = await Sut.TryAdmitAsync(policy, KeyPrefix, 600, Now);
        var tooMuch = await Sut.TryAdmitAsync(policy, KeyPrefix, 500, Now);
        var rest = await Sut.TryAdmitAsync(policy, KeyPrefix, 400, Now);

        Assert.True(first.Admitted);
        Assert.Equal(400, first.Tokens!.Value.Remaining);
        Assert.Equal(600, first.Reservation.Tokens);
        Assert.Equal(rule, tooMuch.RefusedBy);
        Assert.InRange(tooMuch.RetryAfter, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));
        Assert.True(rest.Admitted);
        Assert.Equal(0, rest.Tokens!.Value.Remaining);
        // Reservations are not usage: the day's total has none of them.
        Assert.Null(await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task TryAdmit_ReservationLargerThanTheThreshold_IsRefusedForTheWholeWindow()
    {
        var rule = Rule("g", LimitType.Token, LimitUnit.Minute, 1000);
        var policy = Policy([rule], "g");

        var sut = await Sut.TryAdmitAsync(policy, KeyPrefix, 1001, Now);

        // Nothing is used, yet no wait makes it fit.
        Assert.Equal(rule, sut.RefusedBy);
        Assert.InRange(sut.RetryAfter, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 1000, Now)).Admitted);
    }

    [Fact]
    public async Task Settle_BelowTheReservation_FreesTheDifference()
    {
        var policy = Policy([Rule("g", LimitType.Token, LimitUnit.Minute, 1000)], "g");
        var first = await Sut.TryAdmitAsync(policy, KeyPrefix, 600, Now);
        await Sut.TryAdmitAsync(policy, KeyPrefix, 400, Now);
        var full = await Sut.TryAdmitAsync(policy, KeyPrefix, 100, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(10));

        await Sut.SettleAsync(policy, first.Reservation, 350, Now);
        var freed = await Sut.TryAdmitAsync(policy, KeyPrefix, 250, Now);
        var oneMore = await Sut.TryAdmitAsync(policy, KeyPrefix, 1, Now);

        Assert.False(full.Admitted);
        Assert.True(freed.Admitted);
        Assert.False(oneMore.Admitted);
        Assert.Equal(350, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task Settle_AboveTheReservation_CountsTheExcessWhenTheCallEnds()
    {
        var policy = Policy([Rule("g", LimitType.Token, LimitUnit.Minute, 1000)], "g");
        var call = await Sut.TryAdmitAsync(policy, KeyPrefix, 300, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        await Sut.SettleAsync(policy, call.Reservation, 500, Now);

        // The 300 reserved leave the window a minute after admission; the 200 beyond them 30 s later.
        await AdvanceAsync(TimeSpan.FromSeconds(31));
        var fits = await Sut.TryAdmitAsync(policy, KeyPrefix, 800, Now);
        var over = await Sut.TryAdmitAsync(policy, KeyPrefix, 1, Now);

        Assert.True(fits.Admitted);
        Assert.False(over.Admitted);
        Assert.Equal(500, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task Settle_ReservationAlreadyOutOfTheWindow_TakesNothingFromNewerCalls()
    {
        var policy = Policy([Rule("g", LimitType.Token, LimitUnit.Minute, 1000)], "g");
        var old = await Sut.TryAdmitAsync(policy, KeyPrefix, 600, Now);
        await AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 700, Now)).Admitted);

        await Sut.SettleAsync(policy, old.Reservation, 100, Now);
        var over = await Sut.TryAdmitAsync(policy, KeyPrefix, 301, Now);
        var fits = await Sut.TryAdmitAsync(policy, KeyPrefix, 300, Now);

        Assert.False(over.Admitted);
        Assert.True(fits.Admitted);
    }

    [Fact]
    public async Task Settle_DailyLimit_MovesTheRealTokensIntoTheDayTotal()
    {
        var pool = Rule("parent", LimitType.Token, LimitUnit.Day, 1000);
        var child = Policy([pool], "child", "parent");
        var call = await Sut.TryAdmitAsync(child, KeyPrefix, 800, Now);
        var refused = await Sut.TryAdmitAsync(child, KeyPrefix, 201, Now);
        var before = await Sut.ReadDailyAsync(Id("parent"), Slug, LimitType.Token, Today);

        await Sut.SettleAsync(child, call.Reservation, 300, Now);
        var fits = await Sut.TryAdmitAsync(child, KeyPrefix, 700, Now);
        var over = await Sut.TryAdmitAsync(child, KeyPrefix, 1, Now);

        Assert.Equal(pool, refused.RefusedBy);
        Assert.Null(before);
        Assert.True(fits.Admitted);
        Assert.Equal(pool, over.RefusedBy);
        Assert.Equal(300, await Sut.ReadDailyAsync(Id("parent"), Slug, LimitType.Token, Today));
        Assert.Equal(300, await Sut.ReadDailyAsync(Id("child"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task Settle_VoidCall_ReturnsTheWholeReservation()
    {
        var policy = Policy([Rule("g", LimitType.Token, LimitUnit.Day, 1000), Rule("g", LimitType.Token, LimitUnit.Second, 1000)], "g");
        var call = await Sut.TryAdmitAsync(policy, KeyPrefix, 1000, Now);
        var full = await Sut.TryAdmitAsync(policy, KeyPrefix, 1, Now);

        await Sut.SettleAsync(policy, call.Reservation, 0, Now);
        var again = await Sut.TryAdmitAsync(policy, KeyPrefix, 1000, Now);

        Assert.False(full.Admitted);
        Assert.True(again.Admitted);
        Assert.Null(await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task TryAdmit_DailyReservationNeverSettled_CountsAsUsedAfterItsLifetime()
    {
        // A call whose host died holding its settlement: its tokens are in the database, never in the counters.
        var rule = Rule("g", LimitType.Token, LimitUnit.Day, 1000);
        var policy = Policy([rule], "g");
        Assert.True((await Sut.TryAdmitAsync(policy, KeyPrefix, 800, Now)).Admitted);

        await AdvanceAsync(TimeSpan.FromMinutes(14));
        var held = await Sut.TryAdmitAsync(policy, KeyPrefix, 300, Now);
        await AdvanceAsync(TimeSpan.FromMinutes(1.5));
        var lapsed = await Sut.TryAdmitAsync(policy, KeyPrefix, 300, Now);
        var fits = await Sut.TryAdmitAsync(policy, KeyPrefix, 200, Now);

        Assert.Equal(rule, held.RefusedBy);
        Assert.Equal(rule, lapsed.RefusedBy);
        Assert.True(fits.Admitted);
        Assert.Equal(800, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }

    [Fact]
    public async Task Settle_AfterItsDailyReservationLapsed_CountsTheReservationAndTheTokens()
    {
        // A call longer than the reservations' lifetime: its reservation counted as used when it lapsed, as a dead
        // host's does, and its tokens count when it ends. Against the caller, never for it.
        var policy = Policy([Rule("g", LimitType.Token, LimitUnit.Day, 1000)], "g");
        var call = await Sut.TryAdmitAsync(policy, KeyPrefix, 300, Now);
        await AdvanceAsync(TimeSpan.FromMinutes(16));

        await Sut.SettleAsync(policy, call.Reservation, 100, Now);

        Assert.Equal(400, await Sut.ReadDailyAsync(Id("g"), Slug, LimitType.Token, Today));
    }
}

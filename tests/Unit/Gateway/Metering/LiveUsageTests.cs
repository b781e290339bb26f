using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

public sealed class LiveUsageTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);

    private readonly ManualTime time = new();
    private readonly LiveUsage sut;

    public LiveUsageTests() => sut = new LiveUsage(time);

    private long StartSecond => ManualTime.Start.ToUnixTimeSeconds();

    private void Completed(string group = "g1", string slug = "org/a", long tokens = 10, TimeSpan? latency = null) =>
        sut.RecordCall(group, slug, 200, tokens, latency ?? Fast);

    [Fact]
    public void Query_CallsInOneSecond_CountInThatSecondOnly()
    {
        Completed();
        Completed();
        time.AdvanceSeconds(1);
        Completed();
        time.AdvanceSeconds(1);

        var view = sut.Query(LiveFilter.Workspace, 5);

        Assert.Equal(StartSecond - 3, view.Start);
        Assert.Equal([0, 0, 0, 2, 1], view.Requests);
    }

    [Fact]
    public void Query_CurrentSecond_IsNotShownUntilItEnds()
    {
        time.AdvanceSeconds(0.5);
        Completed();

        var view = sut.Query(LiveFilter.Workspace, 3);

        Assert.All(view.Requests, r => Assert.Equal(0, r));
    }

    [Fact]
    public void TokensPerMinute_IsTheSumOfTheSixtySecondsEndingAtEachSecond()
    {
        Completed(tokens: 100);
        time.AdvanceSeconds(30);
        Completed(tokens: 50);
        time.AdvanceSeconds(31);

        var view = sut.Query(LiveFilter.Workspace, 61);

        Assert.Equal(StartSecond, view.Start);
        Assert.Equal(100, view.TokensPerMinute[0]);
        Assert.Equal(100, view.TokensPerMinute[29]);
        Assert.Equal(150, view.TokensPerMinute[30]);
        Assert.Equal(150, view.TokensPerMinute[59]);
        Assert.Equal(50, view.TokensPerMinute[60]);
        Assert.Equal(50, view.Totals.TokensPerMinute);
    }

    [Fact]
    public void RequestsPerSecond_IsTheAverageOfTheLastTenSeconds()
    {
        for (var second = 0; second < 20; second++)
        {
            Completed();
            Completed();
            time.AdvanceSeconds(1);
        }
        Completed();

        var view = sut.Query(LiveFilter.Workspace, 60);

        Assert.Equal(2, view.Totals.RequestsPerSecond);
    }

    [Fact]
    public void RecordRefused_CountsAsRequestAnd429_WithoutLatencyOrTokens()
    {
        sut.RecordRefused("g1", "org/a");
        sut.RecordRefused("g1", "org/a");
        Completed(tokens: 7, latency: TimeSpan.FromMilliseconds(40));
        time.AdvanceSeconds(1);

        var view = sut.Query(LiveFilter.Workspace, 60);

        Assert.Equal(3, view.Requests[^1]);
        Assert.Equal(2, view.RefusedPerMinute[^1]);
        Assert.Equal(2, view.Totals.RefusedPerMinute);
        Assert.Equal(0, view.Totals.FailedPerMinute);
        Assert.Equal(7, view.Totals.TokensPerMinute);
        Assert.InRange(view.Totals.P50Ms!.Value, 40 / 1.42, 40 * 1.42);
    }

    [Fact]
    public void RecordCall_ErrorStatus_CountsAsFailedWithItsLatency()
    {
        sut.RecordCall("g1", "org/a", 502, 0, TimeSpan.FromSeconds(2));
        time.AdvanceSeconds(1);

        var totals = sut.Query(LiveFilter.Workspace, 60).Totals;

        Assert.Equal((1, 0), (totals.FailedPerMinute, totals.RefusedPerMinute));
        Assert.InRange(totals.P99Ms!.Value, 2000 / 1.42, 2000 * 1.42);
    }

    [Fact]
    public void Percentiles_SkewedLatencies_P50FromTheBulkAndP99FromTheTail()
    {
        for (var i = 0; i < 98; i++)
        {
            Completed(latency: TimeSpan.FromMilliseconds(10));
        }
        Completed(latency: TimeSpan.FromMilliseconds(1000));
        Completed(latency: TimeSpan.FromMilliseconds(1000));
        time.AdvanceSeconds(1);

        var view = sut.Query(LiveFilter.Workspace, 30);

        Assert.InRange(view.Totals.P50Ms!.Value, 10 / 1.42, 10 * 1.42);
        Assert.InRange(view.Totals.P99Ms!.Value, 1000 / 1.42, 1000 * 1.42);
        Assert.Equal(view.Totals.P99Ms, view.P99Ms[^1]);
        Assert.Null(view.P50Ms[0]);
    }

    [Fact]
    public void Percentiles_OfTheWorkspace_MergeEveryGroupsHistogram()
    {
        for (var i = 0; i < 100; i++)
        {
            Completed("fast", latency: TimeSpan.FromMilliseconds(5));
            Completed("slow", latency: TimeSpan.FromMilliseconds(500));
        }
        time.AdvanceSeconds(1);

        var workspace = sut.Query(LiveFilter.Workspace, 10).Totals;
        var slow = sut.Query(new LiveFilter("slow"), 10).Totals;

        Assert.InRange(workspace.P50Ms!.Value, 5 / 1.42, 5 * 1.42);
        Assert.InRange(workspace.P99Ms!.Value, 500 / 1.42, 500 * 1.42);
        Assert.InRange(slow.P50Ms!.Value, 500 / 1.42, 500 * 1.42);
    }

    [Fact]
    public void Query_Filters_SeeOnlyTheirGroupSlugOrBoth()
    {
        Completed("g1", "org/a");
        Completed("g1", "org/b");
        Completed("g1", "org/b");
        for (var i = 0; i < 4; i++)
        {
            Completed("g2", "org/a");
        }
        time.AdvanceSeconds(1);

        long Last(LiveFilter filter) => sut.Query(filter, 1).Requests[^1];

        Assert.Equal(7, Last(LiveFilter.Workspace));
        Assert.Equal(3, Last(new LiveFilter("g1")));
        Assert.Equal(5, Last(new LiveFilter(Slug: "org/a")));
        Assert.Equal(2, Last(new LiveFilter("g1", "org/b")));
        Assert.Equal(0, Last(new LiveFilter("g2", "org/b")));
        Assert.Equal(0, Last(new LiveFilter("unknown")));
    }

    [Fact]
    public void Query_AfterTheHistory_OldSecondsAreGone()
    {
        Completed(tokens: 5);
        time.AdvanceSeconds(LiveUsage.HistorySeconds + LiveUsage.RollingSeconds + 1);

        var view = sut.Query(LiveFilter.Workspace, LiveUsage.HistorySeconds);

        Assert.All(view.Requests, r => Assert.Equal(0, r));
        Assert.All(view.TokensPerMinute, t => Assert.Equal(0, t));
        Assert.Equal(LiveUsage.HistorySeconds, view.Seconds);
    }

    [Fact]
    public void RecordCall_ASlotReusedForANewSecond_StartsFromZero()
    {
        for (var i = 0; i < 5; i++)
        {
            Completed();
        }
        // The same slot of the ring, one full turn later.
        time.AdvanceSeconds(LiveUsage.HistorySeconds + LiveUsage.RollingSeconds);
        Completed();
        time.AdvanceSeconds(1);

        var view = sut.Query(LiveFilter.Workspace, 1);

        Assert.Equal(1, view.Requests[^1]);
    }

    [Fact]
    public void Sweep_SeriesIdleSinceTheCutoff_AreDropped()
    {
        Completed("old", "org/old");
        time.AdvanceSeconds(100);
        Completed("new", "org/new");

        sut.Sweep(StartSecond + 1);

        Assert.Equal(3, sut.SeriesCount);
        Assert.Equal(0, sut.Query(new LiveFilter("old"), 200).Requests.Sum());
    }

    [Fact]
    public async Task RecordCall_ManyThreadsAtOnce_LosesNoCall()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                Completed($"g{t % 2}", tokens: 1);
            }
        })));
        time.AdvanceSeconds(1);

        var view = sut.Query(LiveFilter.Workspace, 1);

        Assert.Equal(200_000, view.Requests[^1]);
        Assert.Equal(200_000, view.Totals.TokensPerMinute);
        Assert.Equal(100_000, sut.Query(new LiveFilter("g1"), 1).Requests[^1]);
    }

    [Fact]
    public void Add_AnotherHostsSecond_CountsInEverySeriesAsIfSeenHere()
    {
        var otherHost = new LiveUsage(time);
        otherHost.RecordCall("g1", "org/a", 200, 30, TimeSpan.FromMilliseconds(400));
        otherHost.RecordRefused("g1", "org/a");
        Completed(tokens: 10);

        foreach (var (group, slug, counts) in otherHost.PairsAt(StartSecond))
        {
            sut.Add(group, slug, StartSecond, counts);
        }
        time.AdvanceSeconds(1);

        foreach (var filter in new[] { LiveFilter.Workspace, new LiveFilter("g1"), new LiveFilter(Slug: "org/a"), new LiveFilter("g1", "org/a") })
        {
            var totals = sut.Query(filter, 1).Totals;
            Assert.Equal(3, sut.Query(filter, 1).Requests[^1]);
            Assert.Equal((40, 1), (totals.TokensPerMinute, totals.RefusedPerMinute));
            // Two latencies, 10 ms here and 400 ms there: the slower one is the p99.
            Assert.InRange(totals.P99Ms!.Value, 300, 500);
        }
    }
}

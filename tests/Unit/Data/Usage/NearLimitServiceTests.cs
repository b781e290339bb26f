using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using FrontierGateway.Data.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Data.Usage;

public sealed class NearLimitServiceTests : DatabaseTest
{
    private readonly ManualTime time = new();

    private static Group Group(string id, string? parent, LimitEnforcement mode, long? dailyRequests) => new()
    {
        Id = id, Name = id, ExternalEntityId = id, ParentGroupId = parent, Enforcement = mode, Depth = parent is null ? 1 : 2,
        Models = [new GroupModel
        {
            GroupId = id, Slug = "org/m",
            Limits = dailyRequests is { } t ? [new ModelLimit { Kind = LimitKind.Usage, Type = LimitType.Request, Unit = LimitUnit.Day, Threshold = t }] : [],
        }],
    };

    [Fact]
    public async Task GetAsync_GroupAt95Percent_RankedFirst_CascadingPoolOnce_WithItsSource()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            db.Groups.AddRange(
                Group("grp_95", null, LimitEnforcement.Independent, 20),
                Group("grp_half", null, LimitEnforcement.Independent, 10),
                Group("grp_pool", null, LimitEnforcement.Cascading, 100),
                Group("grp_child1", "grp_pool", LimitEnforcement.Cascading, null),
                Group("grp_child2", "grp_pool", LimitEnforcement.Cascading, null));
            db.DailyUsage.AddRange(
                new DailyUsage { GroupId = "grp_95", Slug = "org/m", Type = LimitType.Request, Day = today, Value = 19 },
                new DailyUsage { GroupId = "grp_half", Slug = "org/m", Type = LimitType.Request, Day = today, Value = 5 },
                new DailyUsage { GroupId = "grp_pool", Slug = "org/m", Type = LimitType.Request, Day = today, Value = 60 },
                new DailyUsage { GroupId = "grp_95", Slug = "org/m", Type = LimitType.Request, Day = today.AddDays(-1), Value = 20 });
            await db.SaveChangesAsync();
        }
        var sut = new NearLimitService(DbFactory, Services.GetRequiredService<IDailyUsageSource>(), time);

        var report = await sut.GetAsync();

        Assert.Equal([("grp_95", 0.95), ("grp_pool", 0.6), ("grp_half", 0.5)], report.Groups.Select(g => (g.GroupId, g.Fraction)));
        Assert.Equal(("grp_pool", 60L), (report.Groups[1].SourceGroupId, report.Groups[1].Used));
    }
}

using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Requests;
using FrontierGateway.Gateway.Metering.Requests;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Requests;

/// <summary>The request log through the real host: rows from the request path, batch writes, pruning.</summary>
public abstract class RequestLogPipelineTests(GatewayFactory factory)
{
    public sealed class OnSqlite(GatewayFactory factory) : RequestLogPipelineTests(factory), IClassFixture<GatewayFactory>;

    public sealed class OnPostgres(PostgresGatewayFactory factory) : RequestLogPipelineTests(factory), IClassFixture<PostgresGatewayFactory>;

    private const string Slug = InferenceHelpers.SimulatedSlug;

    private async Task<List<RequestLogEntry>> RowsAsync(string group, int atLeast)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var rows = await factory.QueryAsync(db => db.RequestLog.Where(r => r.GroupId == group).OrderBy(r => r.Id).ToListAsync());
            if (rows.Count >= atLeast)
            {
                return rows;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fewer than {atLeast} request log rows for {group}");
    }

    private async Task<IReadOnlyList<RequestLogRow>> LoggedAsync(string group, int atLeast)
    {
        var log = factory.Services.GetRequiredService<RequestLogService>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var rows = (await log.ListAsync(new RequestLogFilter(GroupId: group))).Rows;
            if (rows.Count >= atLeast)
            {
                return rows;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fewer than {atLeast} logged calls for {group}");
    }

    [Fact]
    public async Task Calls_AdmittedAndRefused_LoggedWithStatusTokensAndTheRefusingLimit()
    {
        var (group, key) = await factory.CustomerAsync("log-calls",
            $$"""[{"slug":"{{Slug}}","usage_limits":[{"type":"REQUEST","unit":"DAY","threshold":1}]}]""");
        var caller = factory.Caller(key);

        Assert.Equal(200, await caller.ChatAsync().StatusAsync());
        Assert.Equal(429, await caller.ChatAsync().StatusAsync());

        var rows = await LoggedAsync(group, 2);
        var ok = Assert.Single(rows, r => r.Status == 200);
        var refused = Assert.Single(rows, r => r.Status == 429);
        var usage = Assert.Single(await factory.EventsAsync(group, 1));
        Assert.Equal((usage.InputTokens, usage.OutputTokens, usage.RequestId), (ok.InputTokens, ok.OutputTokens, ok.RequestId));
        Assert.True(ok.LatencyMs > 0);
        // The metered call's row is its usage event; only the refused call wrote a row of the log's own.
        Assert.Equal(("e" + usage.IdempotencyKey, usage.Timestamp, key[..16], 200), (ok.Key, ok.Timestamp, ok.KeyPrefix, usage.Status));
        Assert.Equal([429], (await RowsAsync(group, 1)).Select(r => r.Status));
        Assert.Null(ok.RefusedLimit);
        Assert.Equal(("1 REQUEST per DAY", group, "usage_limit_exceeded"), (refused.RefusedLimit, refused.RefusedSourceGroupId, refused.Error));
        Assert.Equal((0L, 0L, key[..16]), (refused.InputTokens, refused.OutputTokens, refused.KeyPrefix));
    }

    [Fact]
    public async Task Record_ManyRowsAtOnce_AllWrittenInBatches_NoneDropped()
    {
        var sut = factory.Services.GetRequiredService<RequestLog>();
        var before = sut.Dropped;

        for (var n = 0; n < 1200; n++)
        {
            sut.Record(new RequestLogEntry
            {
                Timestamp = DateTime.UtcNow, RequestId = $"req_bulk_{n}", KeyPrefix = "bulkprefix000001", GroupId = "grp_bulk",
                Slug = Slug, Status = 200,
            });
        }

        Assert.Equal(1200, (await RowsAsync("grp_bulk", 1200)).Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(before, sut.Dropped);
    }

    [Fact]
    public async Task Prune_RemovesRowsPastTheRetentionOnly()
    {
        // Dated ahead, with a pruner whose clock is ahead as much: the host's own pruner cannot take them first.
        var ahead = TimeSpan.FromDays(400);
        var now = DateTime.UtcNow + ahead;
        await factory.QueryAsync(async db =>
        {
            db.RequestLog.AddRange(
                Row("req_prune_old", now.AddHours(-169)), Row("req_prune_edge", now.AddHours(-167)), Row("req_prune_new", now));
            return await db.SaveChangesAsync();
        });
        var sut = ActivatorUtilities.CreateInstance<RequestLogPruner>(factory.Services, new ShiftedTime { Offset = ahead });

        var removed = await sut.PruneAsync(CancellationToken.None);

        // Other tests' rows of this host are older than the retention too, by the pruner's clock.
        Assert.InRange(removed, 1, int.MaxValue);
        var left = await factory.QueryAsync(db => db.RequestLog.Where(r => r.GroupId == "grp_prune").Select(r => r.RequestId).ToListAsync());
        Assert.Equal(["req_prune_edge", "req_prune_new"], left.Order());
    }

    private static RequestLogEntry Row(string id, DateTime at) => new()
    {
        Timestamp = at, RequestId = id, KeyPrefix = "pruneprefix00001", GroupId = "grp_prune", Slug = Slug, Status = 200,
    };
}

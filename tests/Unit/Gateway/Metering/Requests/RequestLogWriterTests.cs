using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Metering.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Requests;

public sealed class RequestLogWriterTests : IAsyncLifetime
{
    private readonly GatewayFactory factory = new();

    public Task InitializeAsync() => factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync("DROP TABLE \"RequestLog\""));

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task WriteAsync_DatabaseRefuses_BatchDroppedAndCounted_WriterCarriesOn()
    {
        var log = factory.Services.GetRequiredService<RequestLog>();
        var sut = factory.Services.GetRequiredService<RequestLogWriter>();
        var before = log.Dropped;
        var batch = Enumerable.Range(0, 3).Select(n => new RequestLogEntry
        {
            RequestId = $"req_{n}", KeyPrefix = "prefix0000000000", GroupId = "grp_a", Slug = "org/m", Status = 200,
        }).ToList();

        await sut.WriteAsync(batch);

        Assert.Equal(before + 3, log.Dropped);
        Assert.Contains(factory.Logged.Messages, m => m.Contains("request log rows failed"));
    }
}

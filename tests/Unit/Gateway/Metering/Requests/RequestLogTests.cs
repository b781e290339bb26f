using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Metering.Requests;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Requests;

public sealed class RequestLogTests
{
    private static RequestLogEntry Row(int n) => new()
    {
        RequestId = $"req_{n}", KeyPrefix = "prefix0000000000", GroupId = "grp_a", Slug = "org/m", Status = 200,
    };

    [Fact]
    public void Record_QueueFull_DropsAndCounts_NeverWaits()
    {
        var sut = new RequestLog(Options.Create(new RequestLogOptions { Capacity = 3 }));

        for (var n = 0; n < 5; n++)
        {
            sut.Record(Row(n));
        }

        Assert.Equal(2, sut.Dropped);
        var queued = new List<string>();
        while (sut.TryRead(out var row))
        {
            queued.Add(row.RequestId);
        }
        Assert.Equal(["req_0", "req_1", "req_2"], queued);
        // Taken by the writer: room again.
        sut.Record(Row(5));
        Assert.Equal(2, sut.Dropped);
        Assert.True(sut.TryRead(out var again));
        Assert.Equal("req_5", again.RequestId);
    }

    [Fact]
    public async Task Record_ManyThreadsPastTheCapacity_ExactlyTheCapacityQueued_TheRestCounted()
    {
        var sut = new RequestLog(Options.Create(new RequestLogOptions { Capacity = 1000 }));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < 500; n++)
            {
                sut.Record(Row(t * 1000 + n));
            }
        })));

        var queued = 0;
        while (sut.TryRead(out _))
        {
            queued++;
        }
        Assert.Equal((1000, 3000L), (queued, sut.Dropped));
    }

    [Fact]
    public void Record_Disabled_QueuesNothing_CountsNothing()
    {
        var sut = new RequestLog(Options.Create(new RequestLogOptions { Enabled = false }));

        sut.Record(Row(1));

        Assert.False(sut.TryRead(out _));
        Assert.Equal(0, sut.Dropped);
    }

    [Fact]
    public async Task WaitForBatchAsync_BatchFills_ReturnsBeforeTheFlushInterval()
    {
        var time = new ManualTime();
        var sut = new RequestLog(Options.Create(new RequestLogOptions { BatchSize = 3 }));
        sut.Record(Row(0));

        var waiting = sut.WaitForBatchAsync(TimeSpan.FromSeconds(1), time);
        await time.TimerStartedAsync(TimeSpan.FromSeconds(1));
        sut.Record(Row(1));
        Assert.False(waiting.IsCompleted);
        sut.Record(Row(2));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, sut.Queued);
    }

    [Fact]
    public async Task WaitForBatchAsync_BatchNotFull_ReturnsWhenTheFlushIntervalEnds()
    {
        var time = new ManualTime();
        var sut = new RequestLog(Options.Create(new RequestLogOptions { BatchSize = 3 }));
        sut.Record(Row(0));

        var waiting = sut.WaitForBatchAsync(TimeSpan.FromSeconds(1), time);
        await time.TimerStartedAsync(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        time.AdvanceSeconds(1);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(sut.TryRead(out var row));
        Assert.Equal("req_0", row.RequestId);
    }

    [Fact]
    public async Task WaitForBatchAsync_LogCompleted_ReturnsAtOnce()
    {
        var time = new ManualTime();
        var sut = new RequestLog(Options.Create(new RequestLogOptions { BatchSize = 3 }));
        sut.Record(Row(0));

        var waiting = sut.WaitForBatchAsync(TimeSpan.FromSeconds(1), time);
        await time.TimerStartedAsync(TimeSpan.FromSeconds(1));
        sut.Complete();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(sut.TryRead(out _));
    }

    [Theory]
    [InlineData(0, 500, 1000, 1, "RequestLog:Capacity")]
    [InlineData(10, 0, 1000, 1, "RequestLog:BatchSize")]
    [InlineData(10, 500, 0, 1, "RequestLog:FlushMilliseconds")]
    [InlineData(10, 500, 1000, 0, "RequestLog:RetentionHours")]
    public void Validate_OutOfRange_NamesTheKey(int capacity, int batch, int flush, int retention, string key)
    {
        var result = new ValidateRequestLogOptions().Validate(null, new RequestLogOptions
        {
            Capacity = capacity, BatchSize = batch, FlushMilliseconds = flush, RetentionHours = retention,
        });

        Assert.Contains(key, Assert.Single(result.Failures!));
    }
}

using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Metering.Journal;

namespace FrontierGateway.Tests.Unit.Gateway.Metering.Journal;

public sealed class JournalRecordTests
{
    private static UsageEvent Event(decimal? cost) => new()
    {
        IdempotencyKey = "01JZZZZZZZZZZZZZZZZZZZZZZZ", Timestamp = new DateTime(2026, 5, 13, 12, 0, 0, DateTimeKind.Utc),
        RequestId = "req_1", ModelSlug = "org/m", GroupId = "grp_a", ExternalEntityId = "a", ApiKeyPrefix = "prefix0000000000",
        InputTokens = 3, OutputTokens = 2, Cost = cost, CostCurrency = cost is null ? null : "USD",
    };

    [Fact]
    public void Decode_CompletedLineWithCost_KeepsTheExactDecimal()
    {
        var sut = new JournalRecord(JournalKind.Completed, Event(0.000039000001m));

        var decoded = JournalRecord.Decode(sut.Encode().Span);

        Assert.Equal((0.000039000001m, "USD"), (decoded!.Value.Event.Cost, decoded.Value.Event.CostCurrency));
    }

    [Fact]
    public void Decode_CompletedLineWithStatus_KeepsStatusAndLatency()
    {
        var completed = Event(null);
        (completed.Status, completed.LatencyMicroseconds) = (201, 1234);

        var decoded = JournalRecord.Decode(new JournalRecord(JournalKind.Completed, completed).Encode().Span);
        var without = JournalRecord.Decode(new JournalRecord(JournalKind.Completed, Event(null)).Encode().Span);

        Assert.Equal((201, 1234L), (decoded!.Value.Event.Status, decoded.Value.Event.LatencyMicroseconds));
        Assert.Equal((null, null), (without!.Value.Event.Status, without.Value.Event.LatencyMicroseconds));
    }

    [Fact]
    public void Decode_LineWithoutCost_NoCost()
    {
        var sut = new JournalRecord(JournalKind.Admitted, Event(null));

        var decoded = JournalRecord.Decode(sut.Encode().Span);

        Assert.Equal((null, null), (decoded!.Value.Event.Cost, decoded.Value.Event.CostCurrency));
        Assert.Equal(3, decoded.Value.Event.InputTokens);
    }
}

using FrontierGateway.Gateway.Limits;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>The single-host store against the admission contract.</summary>
public sealed class InMemoryCounterStoreTests : CounterStoreContract
{
    private readonly DailyTotals totals = new();

    public InMemoryCounterStoreTests() => Sut = new InMemoryCounterStore(totals);

    protected override ICounterStore Sut { get; }

    protected override IDailyTotals Totals => totals;
}

using FrontierGateway.Gateway.Limits;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>The single-host store against the admission contract.</summary>
public sealed class InMemoryCounterStoreTests : CounterStoreContract
{
    private readonly DailyTotals totals = new();

    public InMemoryCounterStoreTests() => Sut = new InMemoryCounterStore(totals, Options.Create(new LimitsOptions()));

    protected override ICounterStore Sut { get; }

    protected override IDailyTotals Totals => totals;
}

using FrontierGateway.Gateway.Webhooks;
using FrontierGateway.Tests.Unit.Data;

namespace FrontierGateway.Tests.Unit.Gateway.Webhooks;

public sealed class WebhookBatcherPlanTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Unbatched_ReadsTheIndexOfUndeliveredEventsInOrder_WithoutSortingTheBacklog()
    {
        var plan = await factory.QueryAsync(db => QueryPlan.ExplainAsync(db, WebhookBatcher.Unbatched(db, 500)));

        // EF names UsageEvents "u" in the query.
        Assert.Equal(["SCAN u USING INDEX IX_UsageEvents_Undelivered"], plan);
    }
}

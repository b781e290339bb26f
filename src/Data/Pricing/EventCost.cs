using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Pricing;

/// <summary>Puts a call's cost on its usage event, from the price in force when the call was served.</summary>
public static class EventCost
{
    /// <summary>Sets (or, with no price, clears) the event's cost from its tokens as they are now.</summary>
    public static void Apply(UsageEvent usage, ModelPrice? price)
    {
        usage.Cost = price?.CostOf(usage.InputTokens, usage.OutputTokens);
        usage.CostCurrency = price?.Currency;
    }
}

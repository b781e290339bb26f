using System.Globalization;

namespace FrontierGateway.Data.Pricing;

/// <summary>
/// What one model slug costs, per million tokens, in one currency (set on the slug's endpoint). A call's cost is fixed
/// when the call ends, from the price in force then (the snapshot the call was served from), and stored on its usage
/// event: a later price change never rewrites past events or past spend.
/// </summary>
/// <remarks>
/// Decimal arithmetic only. Prices have at most <see cref="MaxDecimals"/> decimal places, so
/// <c>(input × in + output × out) / 1,000,000</c> is exact, with at most 12 decimal places, for any call below
/// 10^15 tokens: a cost is never rounded when it is computed or summed. Only the portal rounds, for display.
/// Cached input tokens are part of the input tokens (OpenAI's <c>prompt_tokens</c> includes them) and are charged
/// at the input price.
/// </remarks>
public sealed record ModelPrice(string Currency, decimal InputPerMillion, decimal OutputPerMillion)
{
    public const int MaxDecimals = 6;
    public const decimal MaxPerMillion = 1_000_000m;
    private const decimal Million = 1_000_000m;

    public decimal CostOf(long inputTokens, long outputTokens) =>
        Normalize((inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / Million);

    /// <summary>An amount as the wire carries it: a decimal string with no exponent and no trailing zeros (<c>0.0037</c>).</summary>
    public static string Format(decimal amount) => Normalize(amount).ToString(CultureInfo.InvariantCulture);

    /// <summary>The same value with no trailing zeros (<c>1.500</c> is <c>1.5</c>).</summary>
    public static decimal Normalize(decimal amount) => amount / 1.000000000000000000000000000000000m;
}

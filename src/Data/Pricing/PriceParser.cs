using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FrontierGateway.Data.Pricing;

/// <summary>
/// The <c>price</c> of an endpoint: <c>{"currency":"USD","input_per_million":"3.00","output_per_million":"15"}</c>,
/// amounts as decimal strings or JSON numbers (read as decimals, never through a double).
/// </summary>
public sealed record PriceInput(string? Currency, JsonElement InputPerMillion, JsonElement OutputPerMillion)
{
    public static PriceInput Of(string currency, decimal inputPerMillion, decimal outputPerMillion) => new(currency,
        JsonSerializer.SerializeToElement(inputPerMillion.ToString(CultureInfo.InvariantCulture)),
        JsonSerializer.SerializeToElement(outputPerMillion.ToString(CultureInfo.InvariantCulture)));
}

public static partial class PriceParser
{
    /// <summary>
    /// The price in <paramref name="price"/>: absent (<c>Undefined</c>) leaves it as it is (<c>Keep</c>), <c>null</c>
    /// clears it, an object sets it. Errors name the field (<c>price.input_per_million</c>).
    /// </summary>
    public static (bool Keep, ModelPrice? Price) Parse(JsonElement price)
    {
        switch (price.ValueKind)
        {
            case JsonValueKind.Undefined:
                return (true, null);
            case JsonValueKind.Null:
                return (false, null);
            case JsonValueKind.Object:
                PriceInput? input;
                try
                {
                    input = price.Deserialize<PriceInput>(Options);
                }
                catch (JsonException)
                {
                    throw DomainException.Invalid("price.currency", "price.currency must be a string.");
                }
                return (false, Parse(input!));
            default:
                throw DomainException.Invalid("price", "price must be an object or null.");
        }
    }

    public static ModelPrice Parse(PriceInput input)
    {
        if (input.Currency is not { } currency || !CurrencyCode().IsMatch(currency))
        {
            throw DomainException.Invalid("price.currency",
                "price.currency must be an ISO 4217 code: three upper-case letters, like \"USD\".");
        }
        return new ModelPrice(currency, Amount(input.InputPerMillion, "price.input_per_million"),
            Amount(input.OutputPerMillion, "price.output_per_million"));
    }

    private static decimal Amount(JsonElement value, string param)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Undefined or JsonValueKind.Null => throw DomainException.Invalid(param, $"{param} is required."),
            _ => null,
        };
        if (text is null || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var amount))
        {
            throw DomainException.Invalid(param, $"{param} must be a decimal number, like \"3.50\".");
        }
        if (amount < 0 || amount > ModelPrice.MaxPerMillion)
        {
            throw DomainException.Invalid(param, $"{param} must be from 0 to {ModelPrice.MaxPerMillion:0}.");
        }
        if (amount.Scale > ModelPrice.MaxDecimals && ModelPrice.Normalize(amount).Scale > ModelPrice.MaxDecimals)
        {
            throw DomainException.Invalid(param, $"{param} may have at most {ModelPrice.MaxDecimals} decimal places.");
        }
        return ModelPrice.Normalize(amount);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // \z, not $: in .NET $ also matches before a final "\n" ("USD\n").
    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyCode();
}

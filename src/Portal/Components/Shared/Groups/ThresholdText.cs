using System.Globalization;
using System.Text.RegularExpressions;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>
/// Thresholds as people type them: <c>1000000</c>, <c>1,000,000</c>, <c>1M</c>, <c>1.5M</c>, <c>2K</c>, <c>3B</c>.
/// Only the text format lives here; whether a threshold is acceptable is the domain's call (ModelParser).
/// </summary>
internal static partial class ThresholdText
{
    public const string Hint = "A whole number of at least 1, e.g. 1,000, 2K, 1.5M or 3B.";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [GeneratedRegex(@"^(?<number>\d{1,3}(?:,\d{3})+|\d+)(?<fraction>\.\d+)?\s*(?<suffix>[KMB])?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out long value)
    {
        value = 0;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }
        var number = match.Groups["number"].Value.Replace(",", "", StringComparison.Ordinal) + match.Groups["fraction"].Value;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, Invariant, out var parsed))
        {
            return false;
        }
        var multiplier = char.ToUpperInvariant(match.Groups["suffix"].Value.FirstOrDefault()) switch
        {
            'K' => 1_000m,
            'M' => 1_000_000m,
            'B' => 1_000_000_000m,
            _ => 1m,
        };
        decimal result;
        try
        {
            result = parsed * multiplier;
        }
        catch (OverflowException)
        {
            return false;
        }
        if (result < 1 || result != decimal.Truncate(result) || result > long.MaxValue)
        {
            return false;
        }
        value = (long)result;
        return true;
    }

    /// <summary>With thousands separators: <c>1,500,000</c>.</summary>
    public static string Format(long value) => value.ToString("N0", Invariant);
}

using System.Globalization;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>How the live views write their numbers: short, and stable in width from one second to the next.</summary>
internal static class LiveFormat
{
    /// <summary>0, 0.8, 12.4, 1,234.</summary>
    public static string Rate(double value) =>
        value == 0 ? "0" : value.ToString(value < 100 ? "0.#" : "N0", CultureInfo.InvariantCulture);

    /// <summary>0, 950, 12.3k, 4.5M.</summary>
    public static string Count(long value) => value switch
    {
        < 10_000 => value.ToString("N0", CultureInfo.InvariantCulture),
        < 1_000_000 => (value / 1_000d).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        < 1_000_000_000 => (value / 1_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        _ => (value / 1_000_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + "G",
    };

    /// <summary>–, 0.42 ms, 120 ms, 1.24 s.</summary>
    public static string Latency(double? ms) => ms switch
    {
        null => "–",
        < 10 => ms.Value.ToString("0.##", CultureInfo.InvariantCulture) + " ms",
        < 1_000 => ms.Value.ToString("0", CultureInfo.InvariantCulture) + " ms",
        _ => (ms.Value / 1_000).ToString("0.##", CultureInfo.InvariantCulture) + " s",
    };
}

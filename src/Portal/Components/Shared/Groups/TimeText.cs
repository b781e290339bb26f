using System.Globalization;

namespace FrontierGateway.Portal.Components.Shared.Groups;

/// <summary>Timestamps as the portal shows them: always UTC, the contract's clock.</summary>
internal static class TimeText
{
    public static string Utc(DateTime value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Utc(DateTime? value, string none) => value is { } v ? Utc(v) : none;

    /// <summary>How long until <paramref name="target"/>: "in 3 h 05 min", "in 12 min".</summary>
    public static string Until(DateTime target, DateTime now)
    {
        var left = target.ToUniversalTime() - now.ToUniversalTime();
        if (left <= TimeSpan.Zero)
        {
            return "now";
        }
        return left.TotalHours >= 1
            ? $"in {(int)left.TotalHours} h {left.Minutes:00} min"
            : $"in {Math.Max(1, (int)Math.Ceiling(left.TotalMinutes))} min";
    }
}

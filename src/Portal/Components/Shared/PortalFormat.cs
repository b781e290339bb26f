namespace FrontierGateway.Portal.Components.Shared;

/// <summary>How the portal writes times: UTC, to the minute or second, so that every operator reads the same.</summary>
internal static class PortalFormat
{
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'");

    public static string Time(DateTime? utc, string none = "never") => utc is { } t ? Time(t) : none;

    public static string Precise(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'");
}

using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Telemetry;

/// <summary>Who may read <c>/metrics</c> (<c>Telemetry:MetricsAccess</c>).</summary>
public enum MetricsAccess
{
    /// <summary>A caller on this machine (not forwarded by a proxy), or one holding a <c>view</c> workspace key.</summary>
    LoopbackOrViewKey,

    /// <summary>Only a caller holding a <c>view</c> (or <c>manage</c>) workspace key.</summary>
    ViewKey,

    /// <summary>Anyone who can reach the port: for a port that only the scraper's network reaches.</summary>
    Anyone,
}

/// <summary>Section <c>Telemetry</c>: metrics (Prometheus, OTLP), traces and their attributes.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Records the metrics and serves them at <see cref="MetricsPath"/>; false records nothing (the A/B's off side).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Where Prometheus scrapes; outside <c>/v1</c>, so never on the public inference surface.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>Who may read <see cref="MetricsPath"/>.</summary>
    public string MetricsAccess { get; set; } = nameof(Telemetry.MetricsAccess.LoopbackOrViewKey);

    /// <summary>A span per inference call, management call and webhook attempt; off by default.</summary>
    public bool Tracing { get; set; }

    /// <summary>An OTLP collector (<c>http://collector:4317</c>) that gets the metrics and, when on, the traces.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Adds the caller's group id (<c>frontier.group.id</c>) to the per-call metrics: one series per group and model,
    /// so only for a bounded number of groups.
    /// </summary>
    public bool GroupIdAttribute { get; set; }

    public MetricsAccess? ParsedMetricsAccess =>
        Enum.TryParse<MetricsAccess>(MetricsAccess, ignoreCase: true, out var access) && Enum.IsDefined(access) ? access : null;
}

internal sealed class ValidateTelemetryOptions : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        var errors = new List<string>();
        if (o.ParsedMetricsAccess is null)
        {
            errors.Add($"Telemetry:MetricsAccess must be LoopbackOrViewKey, ViewKey or Anyone, not \"{o.MetricsAccess}\".");
        }
        if (!o.MetricsPath.StartsWith('/') || o.MetricsPath.Length < 2 || o.MetricsPath.StartsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Telemetry:MetricsPath must be a path such as /metrics, outside /v1, not \"{o.MetricsPath}\".");
        }
        if (o.OtlpEndpoint is { Length: > 0 } otlp
            && !(Uri.TryCreate(otlp, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Telemetry:OtlpEndpoint must be an absolute http or https URL, not \"{otlp}\".");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

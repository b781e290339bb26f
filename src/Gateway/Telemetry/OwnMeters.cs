using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace FrontierGateway.Gateway.Telemetry;

/// <summary>
/// The meters a host exports: its own (made by its <see cref="IMeterFactory"/>) and the process-wide ones
/// (<c>new Meter(...)</c>, as <c>frontier.limits.outages</c>'s). The SDK listens to meters by name in the whole process,
/// so another host's meter of the same name (hosts side by side in one process, as the tests run them) would be
/// exported here too, its gauges and counts mixed with this host's; a view drops it.
/// </summary>
internal sealed class OwnMeters
{
    private volatile IMeterFactory? own;

    /// <summary>Called by <see cref="GatewayMetrics"/> before it makes its instruments.</summary>
    public void Claim(IMeterFactory meters) => own = meters;

    /// <summary>The SDK's view: another host's meter is dropped, anything else is left as it is.</summary>
    public MetricStreamConfiguration? View(Instrument instrument) =>
        instrument.Meter.Scope is IMeterFactory other && other != own ? MetricStreamConfiguration.Drop : null;
}

using FrontierGateway.Data;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway;

/// <summary>Section <c>Gateway</c>: the data plane.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>How long an upstream may stay silent before the call fails with 504.</summary>
    public int UpstreamTimeoutSeconds { get; set; } = 600;

    /// <summary>Usage events written per database batch at most.</summary>
    public int UsageBatchSize { get; set; } = 500;

    /// <summary>
    /// Usage events held in memory for the write-behind at most (about 1 KB each). Past it (a database slow or down for
    /// long) an event stays in the usage journal only, and is stored from it once the queue has drained.
    /// </summary>
    public int UsageQueueLimit { get; set; } = 100_000;

    /// <summary>How long a usage event may wait for its batch.</summary>
    public int UsageFlushMilliseconds { get; set; } = 250;

    /// <summary>How often daily counters and keys' last use are written to the database.</summary>
    public int CounterFlushSeconds { get; set; } = 5;

    /// <summary>
    /// How often each host reads the change journal for changes it has not applied, whatever the change bus told it:
    /// the bound on how long a change whose notification was lost (or a database shared with no bus) can go unapplied.
    /// </summary>
    public int ResyncSeconds { get; set; } = 30;

    /// <summary>
    /// How often each host reads its whole snapshot again: only what was written around the services (a hand-made
    /// SQL edit, a restored backup) needs it. At a million keys a whole read is seconds of CPU, so it is rare.
    /// </summary>
    public int FullResyncMinutes { get; set; } = 60;

    /// <summary>
    /// How long a starting host waits for its first whole read of the snapshot before it listens all the same (0: it
    /// listens at once). Until that read ends, a call whose key the host has not read yet reads the key, and its
    /// group's policy, from the database first. At a million keys the whole read takes seconds; a small database is
    /// read long before this, and the host then listens with its whole snapshot, as it always did.
    /// </summary>
    public int StartupWaitSeconds { get; set; } = 1;

    /// <summary>
    /// The folder of the usage journal (crash insurance for usage events); relative paths are taken like
    /// <c>Data:Folder</c>. Default: <c>journal</c> inside the data folder. One host per folder.
    /// </summary>
    public string? JournalFolder { get; set; }

    public string ResolveJournalFolder(DataOptions data, string contentRoot) =>
        data.ResolveFolder(contentRoot, JournalFolder ?? Path.Combine(data.Folder, "journal"));

    /// <summary>
    /// Passive health checks: a target failing at least 30 % of its calls (YARP's TransportFailureRate) over this
    /// window, once it has had <see cref="HealthMinimumCalls"/> calls in it, is taken out; it is put back this long
    /// after (YARP waits at least the window), and the next call it takes decides.
    /// </summary>
    public int HealthWindowSeconds { get; set; } = 10;

    /// <summary>Calls a target must have had within the window before its failure rate can take it out.</summary>
    public int HealthMinimumCalls { get; set; } = 5;

    /// <summary>
    /// Connections the kernel queues for the host before it accepts them (Kestrel's default is 512). A burst of new
    /// streams larger than this while the host is busy is refused; Linux caps the value at <c>net.core.somaxconn</c>.
    /// </summary>
    public int ListenBacklog { get; set; } = 4096;

    /// <summary>
    /// Whether a starting host loads the token counter's vocabulary (o200k_base: ~0.3 s of CPU, ~42 MB kept) right
    /// away, beside its other start-up work, so that the first call needing a count (a TOKEN limit's reservation, a
    /// stream that ends without usage, the simulated model) does not wait for it. False loads it on that first call: a
    /// host whose limits count no tokens and whose upstreams always report usage then never loads it.
    /// </summary>
    public bool LoadTokenizerAtStart { get; set; } = true;
}

internal sealed class ValidateGatewayOptions : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var errors = new List<string>();
        if (o.UpstreamTimeoutSeconds < 1)
        {
            errors.Add("Gateway:UpstreamTimeoutSeconds must be at least 1.");
        }
        if (o.UsageBatchSize is < 1 or > 10_000)
        {
            errors.Add("Gateway:UsageBatchSize must be from 1 to 10000.");
        }
        if (o.UsageQueueLimit < o.UsageBatchSize)
        {
            errors.Add("Gateway:UsageQueueLimit must be at least Gateway:UsageBatchSize.");
        }
        if (o.UsageFlushMilliseconds < 1)
        {
            errors.Add("Gateway:UsageFlushMilliseconds must be at least 1.");
        }
        if (o.CounterFlushSeconds < 1)
        {
            errors.Add("Gateway:CounterFlushSeconds must be at least 1.");
        }
        if (o.StartupWaitSeconds is < 0 or > 600)
        {
            errors.Add("Gateway:StartupWaitSeconds must be from 0 to 600.");
        }
        if (o.ResyncSeconds < 1)
        {
            errors.Add("Gateway:ResyncSeconds must be at least 1.");
        }
        if (o.FullResyncMinutes < 1)
        {
            errors.Add("Gateway:FullResyncMinutes must be at least 1.");
        }
        if (o.HealthWindowSeconds < 1)
        {
            errors.Add("Gateway:HealthWindowSeconds must be at least 1.");
        }
        if (o.HealthMinimumCalls < 1)
        {
            errors.Add("Gateway:HealthMinimumCalls must be at least 1.");
        }
        if (o.ListenBacklog is < 1 or > 65_535)
        {
            errors.Add("Gateway:ListenBacklog must be from 1 to 65535.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

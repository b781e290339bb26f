using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Webhooks;

/// <summary>Section <c>Webhooks</c>: batching, retries and retention of billing deliveries.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Events in one delivery at most.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long an event may wait for its batch.</summary>
    public int BatchIntervalMs { get; set; } = 1000;

    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    public double BackoffBaseSeconds { get; set; } = 2;

    public double BackoffMaxSeconds { get; set; } = 600;

    /// <summary>Deliveries attempted at once, so one slow receiver call does not hold up the rest.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// Delivered, failed and dead deliveries and their events are pruned this many days after their delivery (for a
    /// failed or dead one, its last attempt).
    /// </summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// The part of a delivery lease beyond its attempts' timeouts: how long the deliveries claimed by a host that died
    /// wait before another host takes them (a restarted host frees its own machine's at once).
    /// </summary>
    public int LeaseMarginSeconds { get; set; } = 30;

    /// <summary>Deliveries a host claims at once: a few rounds of <see cref="Parallelism"/>.</summary>
    internal int ClaimSize => Parallelism * 4;

    /// <summary>
    /// How long a host holds the deliveries it claimed: every round of attempts of one claim within its timeout, and a
    /// margin. A host that dies with a claim leaves it to the others for this long.
    /// </summary>
    internal TimeSpan DeliveryLease => TimeSpan.FromSeconds(AttemptTimeoutSeconds * (ClaimSize / Parallelism) + LeaseMarginSeconds);
}

internal sealed class ValidateWebhookOptions : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }
        Check(o.BatchSize is >= 1 and <= 10_000, "Webhooks:BatchSize must be from 1 to 10000.");
        Check(o.BatchIntervalMs >= 10, "Webhooks:BatchIntervalMs must be at least 10.");
        Check(o.AttemptTimeoutSeconds >= 1, "Webhooks:AttemptTimeoutSeconds must be at least 1.");
        Check(o.MaxAttempts >= 1, "Webhooks:MaxAttempts must be at least 1.");
        Check(o.BackoffBaseSeconds > 0 && o.BackoffMaxSeconds >= o.BackoffBaseSeconds,
            "Webhooks:BackoffBaseSeconds must be positive and at most Webhooks:BackoffMaxSeconds.");
        Check(o.Parallelism is >= 1 and <= 64, "Webhooks:Parallelism must be from 1 to 64.");
        Check(o.LeaseMarginSeconds >= 1, "Webhooks:LeaseMarginSeconds must be at least 1.");
        Check(o.RetentionDays >= 1, "Webhooks:RetentionDays must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

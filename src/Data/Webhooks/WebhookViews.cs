using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Webhooks;

public sealed record WebhookInput(string? Url, bool? Enabled);

public sealed record WebhookSecretView(string Id, DateTime CreatedAt);

public sealed record WebhookView(string? Url, bool Enabled, IReadOnlyList<WebhookSecretView> Secrets);

public sealed record NewSecretView(string Id, string Secret);

public sealed record DeliveryView(string Id, string RequestId, DeliveryStatus Status, int EventCount, int Attempts,
    DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? LastAttemptAt, DateTime? DeliveredAt, int? LastStatusCode,
    string? LastError, int? LastLatencyMs, bool IsTest);

public sealed record DeletedSecretView(string Id);

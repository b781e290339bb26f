namespace FrontierGateway.Portal;

/// <summary>Section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>
    /// False runs a data-plane host: the inference and management APIs and health only, without Blazor, Identity
    /// cookies or static assets (a fleet behind a load balancer, beside sticky portal hosts).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An admin created in Development when no user has that email.</summary>
    public SeedAdminOptions SeedAdmin { get; set; } = new();
}

public sealed class SeedAdminOptions
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

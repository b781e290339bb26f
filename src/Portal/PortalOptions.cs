namespace FrontierGateway.Portal;

/// <summary>Section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>An admin created in Development when no user has that email.</summary>
    public SeedAdminOptions SeedAdmin { get; set; } = new();
}

public sealed class SeedAdminOptions
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

namespace FrontierGateway.Tests.E2E;

/// <summary>
/// <see cref="PortalServer"/> with the development seeds: an admin (<see cref="AdminEmail"/>) and the SIMULATED
/// endpoint <c>your-org/your-model</c>, for journeys past the setup page.
/// </summary>
internal sealed class SeededPortalServer() : PortalServer(AdminEmail, AdminPassword)
{
    public const string AdminEmail = "e2e.admin@example.com";
    public const string AdminPassword = "E2e-seeded-admin-1";
}

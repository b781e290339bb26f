namespace FrontierGateway.Data.Entities;

/// <summary>The portal's roles: Admin does everything, Viewer reads, Customer is bound to one group.</summary>
public static class PortalRoles
{
    public const string Admin = "Admin";
    public const string Viewer = "Viewer";
    public const string Customer = "Customer";

    public static readonly IReadOnlyList<string> All = [Admin, Viewer, Customer];
}

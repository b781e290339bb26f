namespace FrontierGateway.Portal.Access;

/// <summary>A portal user as the users page lists it; <see cref="InvitePending"/> until the invite sets a password.</summary>
public sealed record PortalUserView(string Id, string Email, string Role, GroupOption? Group, bool InvitePending);

/// <summary>A live group a customer user can be bound to.</summary>
public sealed record GroupOption(string Id, string? Name, string ExternalEntityId)
{
    public string Label => string.IsNullOrWhiteSpace(Name) ? ExternalEntityId : $"{Name} ({ExternalEntityId})";
}

/// <summary>Who to invite: an Admin or Viewer, or a Customer bound to <see cref="GroupId"/>.</summary>
public sealed record InviteInput(string? Email, string? Role, string? GroupId);

/// <summary>
/// An invited user and the one-time link that lets them set a password: shown once, never stored
/// (only Identity's security stamp, which the link's token is checked against).
/// </summary>
public sealed record InviteLink(PortalUserView User, string RelativeUrl)
{
    public static string For(string userId, string token) =>
        $"account/accept-invite?user={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}";
}

using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Portal.Components.Account;

/// <summary>Creates the roles; in Development also the seed admin of <c>Portal:SeedAdmin</c>.</summary>
internal sealed class PortalSeeder(RoleManager<IdentityRole> roles, UserManager<PortalUser> users,
    IHostEnvironment env, IOptions<PortalOptions> options) : IDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        var seed = options.Value.SeedAdmin;
        if (!env.IsDevelopment() || string.IsNullOrEmpty(seed.Email) || string.IsNullOrEmpty(seed.Password)
            || await users.FindByEmailAsync(seed.Email) is not null)
        {
            return;
        }
        var user = new PortalUser { UserName = seed.Email, Email = seed.Email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, seed.Password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Portal:SeedAdmin could not be created: "
                + string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(user, PortalRoles.Admin);
    }
}

using Bunit;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Keys;
using FrontierGateway.Portal.Components.Shared.Groups;
using Microsoft.Extensions.DependencyInjection;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared.Groups;

public sealed class GroupKeysTests : PortalTest
{
    private KeyService Keys => Services.GetRequiredService<KeyService>();

    [Fact]
    public async Task MintAsync_Admin_ShowsTheKeyOnceWithACopyButton()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("mint");
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        sut.Field("Key name").Input().Change("prod-key-1");
        sut.Button("Mint key").Click();
        var apiKey = dialogs.WaitForElement("input[readonly]").GetAttribute("value")!;
        dialogs.Button("Copy key").Click();

        var stored = Assert.Single(await Keys.ListAllAsync(group.Id));
        Assert.StartsWith(stored.Prefix + ".", apiKey);
        Assert.Equal("prod-key-1", stored.Name);
        Assert.Contains("will not be shown again", dialogs.Markup);
        // The click's handler runs on the renderer's dispatcher, which may still be busy with the dialog's render.
        dialogs.WaitForAssertion(() => Assert.Equal(apiKey,
            Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText").Arguments.Single()));
        snackbars.WaitForAssertion(() => Assert.Contains("Copied", snackbars.Markup));

        dialogs.Button("Done").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain(apiKey, dialogs.Markup));
        Assert.Contains(stored.Prefix, sut.Markup);
        Assert.DoesNotContain(apiKey, sut.Markup);
    }

    [Fact]
    public async Task MintAsync_Admin_ShowsTheFirstCallWithTheNewKey()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("first-call");
        var (dialogs, _) = RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id).Add(k => k.Slug, "acme/chat"));

        sut.Button("Mint key").Click();
        var apiKey = dialogs.WaitForElement("input[readonly]").GetAttribute("value")!;

        Assert.Contains($"api_key=\"{apiKey}\"", dialogs.Markup.Replace("&quot;", "\""));
        Assert.Contains("model=\"acme/chat\"", dialogs.Markup.Replace("&quot;", "\""));
    }

    [Fact]
    public async Task MintAsync_ExpiryInThePast_ShowsTheMessageAtTheDate()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("expired");
        RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        var date = sut.FindComponent<MudBlazor.MudDatePicker>();
        await sut.InvokeAsync(() => date.Instance.DateChanged.InvokeAsync(DateTime.UtcNow.Date.AddDays(-1)));
        sut.Button("Mint key").Click();

        Assert.Equal("expires_at must be in the future.", sut.Field("Expires on (UTC)").ErrorText());
        Assert.Empty(await Keys.ListAllAsync(group.Id));
    }

    [Fact]
    public async Task RevokeAsync_Confirmed_RevokesTheKeyAndShowsItGreyedWithWhenAndWhoUntilFilteredOut()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("revoke");
        var minted = await Keys.MintAsync(group.Id, new KeyCreateInput("old", null), "test");
        var (dialogs, snackbars) = RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        sut.Button($"Revoke key {minted.Prefix}").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("cannot be undone", dialogs.Markup));
        dialogs.Button("Revoke").Click();

        sut.WaitForAssertion(() => Assert.Contains("Revoked", Assert.Single(sut.FindAll("tr.key-revoked")).TextContent));
        Assert.Empty(await Keys.ListAllAsync(group.Id));
        Assert.Contains($"Key {minted.Prefix} revoked", snackbars.Markup);
        var row = sut.Find("tr.key-revoked");
        Assert.Contains(minted.Prefix, row.TextContent);
        Assert.Contains($"by {AdminEmail}", row.TextContent);
        Assert.Empty(row.QuerySelectorAll("button"));

        await sut.InvokeAsync(() => sut.Find("input[type=checkbox]").Change(false));

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("tr.key-revoked")));
        Assert.Contains("No live keys.", sut.Markup);
    }

    [Fact]
    public async Task Render_CustomerSeesKeysRevokedByOthers_WithoutTheirIdentities()
    {
        var group = await CreateGroupAsync("revokers");
        var customer = await SignInAsync(PortalRoles.Customer, group.Id);
        var byApi = await Keys.MintAsync(group.Id, new KeyCreateInput("by-api", null), "test");
        var byOperator = await Keys.MintAsync(group.Id, new KeyCreateInput("by-operator", null), "test");
        var byThemselves = await Keys.MintAsync(group.Id, new KeyCreateInput("by-themselves", null), "test");
        await Keys.RevokeAsync(group.Id, byApi.Prefix, "api_key:wk_0123456789ab");
        await Keys.RevokeAsync(group.Id, byOperator.Prefix, "user:operator@example.com");
        await Keys.RevokeAsync(group.Id, byThemselves.Prefix, customer.Actor);
        RenderProviders();

        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        sut.WaitForAssertion(() => Assert.Equal(3, sut.FindAll("tr.key-revoked").Count));
        Assert.DoesNotContain("wk_0123456789ab", sut.Markup);
        Assert.DoesNotContain("operator@example.com", sut.Markup);
        Assert.Contains("by the management API", sut.Markup);
        Assert.Contains("by another portal user", sut.Markup);
        Assert.Contains($"by {customer.Email}", sut.Markup);
    }

    [Fact]
    public async Task Render_LiveKey_LabelsTheRevokeButton()
    {
        await SignInAsync(PortalRoles.Admin);
        var group = await CreateGroupAsync("label");
        var minted = await Keys.MintAsync(group.Id, new KeyCreateInput("live", null), "test");
        RenderProviders();

        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        sut.WaitForAssertion(() => Assert.Equal("Revoke", sut.Button($"Revoke key {minted.Prefix}").TextContent.Trim()));
    }

    [Fact]
    public async Task Render_Viewer_DisablesMintAndRevoke()
    {
        await SignInAsync(PortalRoles.Viewer);
        var group = await CreateGroupAsync("viewer");
        var minted = await Keys.MintAsync(group.Id, new KeyCreateInput(null, null), "test");
        RenderProviders();

        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, group.Id));

        Assert.True(sut.Button("Mint key").IsDisabled());
        Assert.True(sut.Button($"Revoke key {minted.Prefix}").IsDisabled());
        Assert.True(sut.Field("Key name").Input().IsDisabled());
        Assert.Contains("Read-only", sut.Markup);
    }

    [Theory]
    [InlineData(PortalRoles.Viewer)]
    [InlineData(PortalRoles.Customer)]
    public async Task MintAsync_NotAllowed_RefusedByTheServer(string role)
    {
        var own = await CreateGroupAsync("own");
        var other = await CreateGroupAsync("other");
        await SignInAsync(role, own.Id);
        var (_, snackbars) = RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, other.Id));

        await sut.InvokeAsync(() => sut.Instance.MintAsync());

        Assert.Empty(await Keys.ListAllAsync(other.Id));
        snackbars.WaitForAssertion(() => Assert.Contains("You are not allowed to do this.", snackbars.Markup));
    }

    [Fact]
    public async Task Render_CustomerOfAnotherGroup_ShowsAccessDeniedAndNoKey()
    {
        var own = await CreateGroupAsync("mine");
        var other = await CreateGroupAsync("theirs");
        var minted = await Keys.MintAsync(other.Id, new KeyCreateInput(null, null), "test");
        await SignInAsync(PortalRoles.Customer, own.Id);
        RenderProviders();

        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, other.Id));

        Assert.Contains("You do not have access to this page.", sut.Markup);
        Assert.DoesNotContain(minted.Prefix, sut.Markup);
    }

    [Fact]
    public async Task MintAsync_CustomerOnADescendant_Mints()
    {
        var own = await CreateGroupAsync("cust-root");
        var child = await CreateGroupAsync("cust-child", own.Id);
        await SignInAsync(PortalRoles.Customer, own.Id);
        var (dialogs, _) = RenderProviders();
        var sut = Render<GroupKeys>(p => p.Add(k => k.GroupId, child.Id));

        sut.Button("Mint key").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("API key minted", dialogs.Markup));
        Assert.Single(await Keys.ListAllAsync(child.Id));
    }
}

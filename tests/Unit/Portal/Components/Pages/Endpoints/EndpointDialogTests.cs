using Bunit;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Portal.Access;
using FrontierGateway.Portal.Components.Pages.Endpoints;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FrontierGateway.Tests.Unit.Portal.Components.Pages.Endpoints;

public sealed class EndpointDialogTests : PortalTest
{
    [Fact]
    public async Task Create_CompatibleTargetWithoutBaseUrl_ShowsDomainErrorUnderBaseUrl()
    {
        await SignInAsync(PortalRoles.Admin);
        var (sut, _) = await OpenAsync(null);

        sut.Find("#endpoint-slug").Change("acme/chat");
        await sut.ClickAsync("Create");

        var field = sut.WaitForElement("#target-0-base-url").Closest(".mud-input-control")!;
        sut.WaitForAssertion(() =>
            Assert.Contains("targets[0].base_url is required for OPENAI_COMPATIBLE.", field.TextContent));
        Assert.DoesNotContain("base_url is required", sut.Find("#endpoint-slug").Closest(".mud-input-control")!.TextContent);
        Assert.Equal(0, await QueryAsync(db => db.Endpoints.CountAsync()));
    }

    [Fact]
    public async Task Create_BadSlug_ShowsErrorUnderSlug()
    {
        await SignInAsync(PortalRoles.Admin);
        var (sut, _) = await OpenAsync(null);

        sut.Find("#endpoint-slug").Change("not a slug");
        await sut.ClickAsync("Create");

        sut.WaitForAssertion(() => Assert.Contains("slug must look like",
            sut.Find("#endpoint-slug").Closest(".mud-input-control")!.TextContent));
    }

    [Fact]
    public async Task Create_ValidTarget_SavesWithSecretAndAuditsTheAdmin()
    {
        await SignInAsync(PortalRoles.Admin);
        var (sut, _) = await OpenAsync(null);

        sut.Find("#endpoint-slug").Change("acme/chat");
        sut.Find("#target-0-base-url").Change("https://upstream.example/v1");
        sut.Find("#target-0-secret").Change("sk-upstream-secret");
        await sut.ClickAsync("Create");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("#endpoint-slug")));
        var endpoint = await QueryAsync(db => db.Endpoints.Include(e => e.Targets).SingleAsync());
        Assert.Equal("acme/chat", endpoint.Slug);
        Assert.NotNull(endpoint.Targets.Single().ProtectedSecret);
        Assert.DoesNotContain("sk-upstream-secret", endpoint.Targets.Single().ProtectedSecret);
        var audit = await QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "endpoint.create"));
        Assert.Equal($"user:{AdminEmail}", audit.Actor);
    }

    [Fact]
    public async Task Save_EditWithEmptySecret_KeepsStoredSecretAndNeverShowsIt()
    {
        var admin = await SignInAsync(PortalRoles.Admin);
        var created = await Services.GetRequiredService<EndpointService>().CreateAsync(new EndpointInput("acme/chat",
            [new TargetInput("OPENAI_COMPATIBLE", "https://upstream.example/v1", null, "sk-stored", null, null)]), admin.Actor);
        var (sut, _) = await OpenAsync(created);

        Assert.DoesNotContain("sk-stored", sut.Markup);
        Assert.Contains("Leave empty to keep the stored secret", sut.Markup);
        sut.Find("#target-0-target-model").Change("gpt-upstream");
        await sut.ClickAsync("Save");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("#endpoint-slug")));
        var view = await Services.GetRequiredService<EndpointService>().GetAsync(created.Id);
        Assert.Equal("gpt-upstream", view.Targets.Single().TargetModel);
        Assert.True(view.Targets.Single().HasSecret);
    }

    [Fact]
    public async Task Create_PriorityAndWeight_AreSavedOnTheTarget()
    {
        await SignInAsync(PortalRoles.Admin);
        var (sut, _) = await OpenAsync(null);

        sut.Find("#endpoint-slug").Change("acme/chat");
        sut.Find("#target-0-base-url").Change("https://upstream.example/v1");
        sut.Find("#target-0-priority").Change("2");
        sut.Find("#target-0-weight").Change("5");
        await sut.ClickAsync("Create");

        sut.WaitForAssertion(() => Assert.Empty(sut.FindAll("#endpoint-slug")));
        var target = await QueryAsync(db => db.EndpointTargets.SingleAsync());
        Assert.Equal((2, 5), (target.Priority, target.Weight));
    }

    [Fact]
    public async Task Create_ViewerSendsSaveAnyway_IsRefusedOnTheServer()
    {
        await SignInAsync(PortalRoles.Viewer);
        // ReadOnly is false here, as a crafted call would be: the handler itself must refuse.
        var (sut, snackbars) = await OpenAsync(null);

        sut.Find("#endpoint-slug").Change("acme/chat");
        sut.Find("#target-0-base-url").Change("https://upstream.example/v1");
        await sut.ClickAsync("Create");

        snackbars.WaitForAssertion(() => Assert.Contains(PortalAccess.Refused, snackbars.Markup));
        Assert.Equal(0, await QueryAsync(db => db.Endpoints.CountAsync()));
    }

    /// <summary>Opens the dialog as the endpoint list does; the refusal of a change shows in a snackbar.</summary>
    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, IRenderedComponent<MudSnackbarProvider> Snackbars)> OpenAsync(
        EndpointView? endpoint)
    {
        var (dialogs, snackbars) = RenderProviders();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<EndpointDialog>(null,
            new DialogParameters<EndpointDialog> { { d => d.Endpoint, endpoint } }));
        dialogs.WaitForElement("#endpoint-slug");
        return (dialogs, snackbars);
    }
}

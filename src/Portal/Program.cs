using FrontierGateway.Data;
using FrontierGateway.Gateway;
using FrontierGateway.Gateway.Health;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Management;
using FrontierGateway.Gateway.Pipeline;
using FrontierGateway.Portal;

var builder = WebApplication.CreateBuilder(args);

builder.AddRepositoryDevelopmentSettings();
builder.AddData();
builder.AddGateway();
builder.AddHealth();
// Portal:Enabled=false: a data-plane host, serving the two APIs and health only.
var withPortal = builder.IsPortalEnabled();
if (withPortal)
{
    builder.AddPortal();
}

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    // The portal's error page; a /v1 call meets the API's own handler (UseApiErrors) and need not pass this one too.
    if (withPortal)
    {
        app.UseWhen(context => !ApiPipelineExtensions.IsApi(context),
            portal => portal.UseExceptionHandler("/error", createScopeForErrors: true));
    }
    app.UseHsts();
}
app.UseApiErrors();
// After the API's error handling and request ids, which must cover the inference endpoints: they end at routing.
app.UseRouting();
if (withPortal)
{
    app.UsePortal();
}
else
{
    // The management API's policies name their scheme (workspace keys), which authorization runs itself. No
    // UseAuthentication: with no cookie scheme, WorkspaceKey would be the default and run on every request.
    app.UseAuthorization();
}
app.MapHealth();
app.MapMetrics();
app.MapManagementApi();
app.MapInference();
if (withPortal)
{
    app.MapPortal();
}

app.Run();

/// <summary>The host's entry point, public so that tests can start it.</summary>
public partial class Program;

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
builder.AddPortal();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    // The portal's error page; a /v1 call meets the API's own handler (UseApiErrors) and need not pass this one too.
    app.UseWhen(context => !ApiPipelineExtensions.IsApi(context),
        portal => portal.UseExceptionHandler("/error", createScopeForErrors: true));
    app.UseHsts();
}
app.UseApiErrors();
// After the API's error handling and request ids, which must cover the inference endpoints: they end at routing.
app.UseRouting();
app.UsePortal();
app.MapHealth();
app.MapManagementApi();
app.MapInference();
app.MapPortal();

app.Run();

/// <summary>The host's entry point, public so that tests can start it.</summary>
public partial class Program;

using FrontierGateway.Data;
using FrontierGateway.Gateway;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Management;
using FrontierGateway.Portal;

var builder = WebApplication.CreateBuilder(args);

builder.AddRepositoryDevelopmentSettings();
builder.AddData();
builder.AddGateway();
builder.AddPortal();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UsePortal();
app.MapManagementApi();
// The inference API authenticates by key inside its own pipeline: its endpoints end at routing, so no middleware
// after it (the portal's cookie authentication, the setup gate, antiforgery) runs on the hot path.
var inference = app.MapGroup("");
inference.ShortCircuit();
inference.MapInference();
app.MapPortal();

app.Run();

/// <summary>The host's entry point, public so that tests can start it.</summary>
public partial class Program;

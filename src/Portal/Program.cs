using FrontierGateway.Data;
using FrontierGateway.Gateway;
using FrontierGateway.Gateway.Inference;
using FrontierGateway.Gateway.Management;
using FrontierGateway.Gateway.Pipeline;
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
app.UseApiErrors();

app.UsePortal();
app.UseManagementApi();
app.MapManagementApi();
app.MapInference();
app.MapPortal();

app.Run();

/// <summary>The host's entry point, public so that tests can start it.</summary>
public partial class Program;

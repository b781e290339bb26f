using FrontierGateway.Gateway.Management;
using FrontierGateway.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FrontierGateway.Gateway;

public static class TelemetryServiceExtensions
{
    /// <summary>
    /// Metrics (<c>Telemetry:Metrics</c>, on by default: the Prometheus exporter, and OTLP with
    /// <c>Telemetry:OtlpEndpoint</c>) and traces (<c>Telemetry:Tracing</c>, off by default). With both off the
    /// OpenTelemetry SDK is not registered at all, so no instrument is listened to and recording is a flag check.
    /// </summary>
    internal static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, ValidateTelemetryOptions>();
        var own = new OwnMeters();
        services.AddSingleton(own);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<GatewayTracing>();
        // What to register is decided here, before the options exist; ValidateOnStart checks the same values.
        var settings = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        if (!settings.Metrics && !settings.Tracing)
        {
            return builder;
        }
        var otlp = Uri.TryCreate(settings.OtlpEndpoint, UriKind.Absolute, out var endpoint) ? endpoint : null;
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("frontier-gateway"));
        if (settings.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName, GatewayMetrics.LimitsMeterName).AddPrometheusExporter();
                metrics.AddView(own.View);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        }
        if (settings.Tracing)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(GatewayTracing.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        }
        return builder;
    }

    /// <summary>
    /// Prometheus's scrape endpoint at <c>Telemetry:MetricsPath</c> (<c>/metrics</c>), behind <c>Telemetry:MetricsAccess</c>
    /// (<see cref="MetricsAccessMiddleware"/>). It short-circuits at routing, as <c>/healthz</c> does: a scrape never
    /// meets the portal's setup gate or cookie. Nothing is mapped with <c>Telemetry:Metrics=false</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.Metrics)
        {
            app.MapPrometheusScrapingEndpoint(options.MetricsPath, meterProvider: null,
                configureBranchedPipeline: branch => branch.UseMiddleware<MetricsAccessMiddleware>(), optionsName: null)
                .ShortCircuit();
        }
        return app;
    }
}

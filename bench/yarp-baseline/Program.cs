// Reference target (d) of bench/run.sh: "YARP alone". A minimal ASP.NET Core + YARP pass-through proxy with
// no gateway logic (no key, no limits, no metering, no body parsing), so the report can show how much of the
// gateway's distance to nginx is the framework itself.
//
//   dotnet yarp-baseline.dll --port 18083 --upstream http://127.0.0.1:18081/
//
// Both settings may also come from the environment (PORT, UPSTREAM), as any configuration key.
using System.Net;
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var port = builder.Configuration.GetValue("port", 18083);
var upstream = builder.Configuration["upstream"] ?? "http://127.0.0.1:18081/";
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

builder.Services.AddReverseProxy().LoadFromMemory(
    [
        new RouteConfig
        {
            RouteId = "all",
            ClusterId = "stub",
            Match = new RouteMatch { Path = "/{**catch-all}" },
            // Like the gateway and the nginx proxy: no X-Forwarded-* headers.
            Transforms = [new Dictionary<string, string> { ["X-Forwarded"] = "Off" }],
        },
    ],
    [
        new ClusterConfig
        {
            ClusterId = "stub",
            Destinations = new Dictionary<string, DestinationConfig>
            {
                ["stub"] = new DestinationConfig { Address = upstream },
            },
        },
    ]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();

// Reference target (d) of bench/run.sh: "YARP alone". A minimal ASP.NET Core + YARP pass-through proxy with
// no gateway logic (no key, no limits, no metering, no body parsing), so the report can show how much of the
// gateway's distance to nginx is the framework itself.
//
//   dotnet yarp-baseline.dll --port 18083 --upstream http://127.0.0.1:18081/
//   dotnet yarp-baseline.dll --port 18083 --floor --key <prefix.secret>   # the floor of Floor.cs (bench/ab.sh baseline:floor)
//
// The settings may also come from the environment (PORT, UPSTREAM, FLOOR, KEY), as any configuration key.
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

var floor = builder.Configuration.GetValue("floor", false);
if (floor)
{
    var key = builder.Configuration["key"] ?? throw new InvalidOperationException("--floor needs --key <prefix.secret>");
    builder.Services.AddSingleton(new FloorKeys([key]));
}

var app = builder.Build();
app.MapReverseProxy(proxy =>
{
    if (floor)
    {
        proxy.UseMiddleware<FloorMiddleware>();
    }
});
app.Run();

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FrontierGateway.Tests.Unit.Gateway.Inference;

namespace FrontierGateway.Tests.Unit.Gateway.Telemetry;

/// <summary>
/// With <c>Telemetry:Tracing=true</c>: one span per inference call with the GenAI attributes, whose trace the
/// upstream continues (W3C <c>traceparent</c>); and the request id in the logging scope of the call's log lines.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private const string Slug = "obs/traced";
    private readonly GatewayFactory gateway = new()
    {
        Settings =
        {
            ["Telemetry:Tracing"] = "true",
            // YARP logs each forward at Information: lines about the call from a library the gateway does not own.
            ["Logging:LogLevel:Yarp.ReverseProxy.Forwarder"] = "Information",
            // As in production: ASP.NET Core's own request scope off, so the scope seen is the gateway's.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
        },
    };
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;
    private FakeUpstream upstream = null!;
    private HttpClient client = null!;

    public TracingTests()
    {
        // Every host in the test process is heard: the spans of this test are those of its model.
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "FrontierGateway.Gateway" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        upstream.Chat = FakeUpstream.AnswerOkAsync;
        await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}","target_model":"m"}]}
            """);
        var (_, key) = await gateway.CustomerAsync("traced-customer", $$"""[{"slug":"{{Slug}}"}]""");
        client = gateway.Caller(key);
    }

    public async Task DisposeAsync()
    {
        listener.Dispose();
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    /// <summary>The spans <paramref name="match"/> picks, once <paramref name="count"/> have ended (a call's ends after its last byte).</summary>
    private async Task<List<Activity>> SpansAsync(Func<Activity, bool> match, int count)
    {
        for (var attempt = 0; attempt < 200 && stopped.Count(match) < count; attempt++)
        {
            await Task.Delay(50);
        }
        return [.. stopped.Where(match)];
    }

    private static bool OfThisModel(Activity span) => span.GetTagItem("gen_ai.request.model") as string == Slug;

    [Fact]
    public async Task Post_TracingOn_OneSpanPerCallWithGenAiAttributes_UpstreamContinuesItsTrace()
    {
        client.DefaultRequestHeaders.Add("x-request-id", "traced-1");
        using var first = await client.ChatAsync(Slug);
        client.DefaultRequestHeaders.Remove("x-request-id");
        using var second = await client.ChatAsync(Slug);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        var traced = await SpansAsync(OfThisModel, 2);
        Assert.Equal(2, traced.Count);
        foreach (var span in traced)
        {
            Assert.Equal($"chat {Slug}", span.DisplayName);
            Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("openai_compatible", span.GetTagItem("gen_ai.provider.name"));
            Assert.Equal(1L, span.GetTagItem("gen_ai.usage.input_tokens"));
            Assert.Equal(1L, span.GetTagItem("gen_ai.usage.output_tokens"));
            Assert.Null(span.GetTagItem("error.type"));
        }
        Assert.Contains(traced, span => span.GetTagItem("frontier.request_id") as string == "traced-1");
        // The upstream's traceparent carries each call's trace id (its parent is the HttpClient span inside the call's).
        var upstreamTraces = upstream.TraceParents.Select(p => Assert.IsType<string>(p).Split('-')[1]).Order().ToList();
        Assert.Equal(traced.Select(s => s.TraceId.ToHexString()).Order().ToList(), upstreamTraces);
    }

    [Fact]
    public async Task Post_ClientRequestId_IsInTheScopeOfEveryLogLineAboutTheCall()
    {
        client.DefaultRequestHeaders.Add("x-request-id", "logged-1");

        using var response = await client.ChatAsync(Slug);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarding = gateway.Logged.Entries.Where(e => e.Category.StartsWith("Yarp.ReverseProxy.Forwarder", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(forwarding);
        Assert.All(forwarding, entry => Assert.Contains(new KeyValuePair<string, object?>("RequestId", "logged-1"), entry.Scopes));
    }

    [Fact]
    public async Task Send_TracingOn_ManagementCallAndWebhookAttemptAreSpans_ReceiverContinuesTheTrace()
    {
        var admin = gateway.Client();
        admin.DefaultRequestHeaders.Add("x-request-id", "mgmt-traced-1");
        await admin.PostAsync("/v1/gateway/webhook/secrets", "{}");
        // The fake upstream records the traceparent of whatever it is sent, and answers 200.
        var (status, _) = await admin.SendAsync(HttpMethod.Put, "/v1/gateway/webhook",
            $$"""{"url":"{{upstream.BaseUrl}}/chat/completions","enabled":true}""");
        Assert.Equal(HttpStatusCode.OK, status);

        var (tested, delivery) = await admin.PostAsync("/v1/gateway/webhook/test", "{}");

        Assert.Equal(HttpStatusCode.OK, tested);
        var id = (string)delivery!["id"]!;
        var attempt = Assert.Single(await SpansAsync(s => s.GetTagItem("frontier.webhook.delivery_id") as string == id, 1));
        Assert.Equal("webhook deliver", attempt.DisplayName);
        Assert.Equal(200, attempt.GetTagItem("http.response.status_code"));
        Assert.Contains(upstream.TraceParents, p => p?.Split('-')[1] == attempt.TraceId.ToHexString());
        var management = await SpansAsync(s => s.Source.Name == "Microsoft.AspNetCore"
            && s.GetTagItem("frontier.request_id") as string == "mgmt-traced-1", 3);
        Assert.Equal(3, management.Count);
    }
}

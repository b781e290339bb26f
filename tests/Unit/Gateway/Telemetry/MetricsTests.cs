using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using Microsoft.AspNetCore.Http;

namespace FrontierGateway.Tests.Unit.Gateway.Telemetry;

/// <summary>
/// A known mix of calls through real sockets (streamed and not, one refused by a limit, one the upstream fails), then
/// <c>/metrics</c> scraped from loopback: the counts are what was sent, under the documented names and attributes.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private const string Slug = "obs/metrics";
    private static readonly (string, string) Model = ("gen_ai_request_model", Slug);
    private readonly LiveGatewayFactory gateway = new();
    private FakeUpstream upstream = null!;
    private HttpClient client = null!;
    private string group = "";

    public async Task InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        upstream.Chat = AnswerAsync;
        await gateway.Client().PostAsync("/v1/gateway/endpoints", $$"""
            {"slug":"{{Slug}}","targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"{{upstream.BaseUrl}}","target_model":"m"}]}
            """);
        // Four calls a minute: the fifth is refused.
        (group, var key) = await gateway.CustomerAsync("metrics-customer", $$"""
            [{"slug":"{{Slug}}","rate_limits":[{"type":"REQUEST","unit":"MINUTE","threshold":4}]}]
            """);
        client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await upstream.DisposeAsync();
        await gateway.DisposeAsync();
    }

    /// <summary>"fail" gets a 500; a stream gets two chunks and usage 9 + 2; anything else JSON with usage 3 + 5.</summary>
    private static async Task AnswerAsync(HttpContext context, JsonObject body)
    {
        var content = (string?)body["messages"]![0]!["content"];
        if (content == "fail")
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"error":{"message":"boom","type":"server_error"}}""");
            return;
        }
        if (body["stream"]?.GetValue<bool>() == true)
        {
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk("Hello"));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.Chunk(" there"));
            await FakeUpstream.SendEventAsync(context, FakeUpstream.UsageChunk(9, 2));
            await FakeUpstream.SendEventAsync(context, "[DONE]");
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":3,"completion_tokens":5}}""");
    }

    private async Task<HttpStatusCode> CallAsync(string content, bool stream = false)
    {
        using var response = await client.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{Slug}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{content}}"}]}""",
            Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }

    /// <summary>Scrapes until the five calls are all recorded (each is recorded as it ends, after its last byte).</summary>
    private async Task<List<PrometheusSample>> ScrapeAsync(Func<List<PrometheusSample>, bool> complete)
    {
        using var scraper = new HttpClient { BaseAddress = gateway.BaseAddress };
        var samples = new List<PrometheusSample>();
        for (var attempt = 0; attempt < 100 && !complete(samples); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 100);
            using var response = await scraper.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        }
        return samples;
    }

    [Fact]
    public async Task Scrape_AfterAKnownMixOfCalls_CountsWhatWasSent()
    {
        Assert.Equal(HttpStatusCode.OK, await CallAsync("one"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync("two"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync("streamed", stream: true));
        Assert.Equal(HttpStatusCode.InternalServerError, await CallAsync("fail"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await CallAsync("refused"));
        await gateway.EventsAsync(group, 3);

        var samples = await ScrapeAsync(s => s.Sum("gen_ai_server_request_duration_seconds_count", Model) >= 5
            && s.Sum("frontier_usage_rows_written_total") >= 3);

        var duration = "gen_ai_server_request_duration_seconds_count";
        Assert.Equal(5, samples.Sum(duration, Model, ("gen_ai_operation_name", "chat"), ("gen_ai_provider_name", "openai_compatible")));
        Assert.Equal(1, samples.Sum(duration, Model, ("error_type", "500")));
        Assert.Equal(1, samples.Sum(duration, Model, ("error_type", "429")));
        Assert.Equal(3, samples.Where(duration, Model).Where(s => !s.Labels.ContainsKey("error_type")).Sum(s => s.Value));
        // The +Inf bucket of a histogram holds every call.
        Assert.Equal(5, samples.Sum("gen_ai_server_request_duration_seconds_bucket", Model, ("le", "+Inf")));

        var input = new[] { Model, ("gen_ai_token_type", "input") };
        var output = new[] { Model, ("gen_ai_token_type", "output") };
        Assert.Equal(3, samples.Sum("gen_ai_client_token_usage_count", input));
        Assert.Equal(3 + 3 + 9, samples.Sum("gen_ai_client_token_usage_sum", input));
        Assert.Equal(5 + 5 + 2, samples.Sum("gen_ai_client_token_usage_sum", output));
        Assert.Equal(1, samples.Sum("gen_ai_server_time_to_first_token_seconds_count", Model));
        Assert.Equal(1, samples.Sum("gen_ai_server_time_per_output_token_seconds_count", Model));

        Assert.Equal(4, samples.Sum("frontier_admissions_total", Model, ("outcome", "admitted")));
        Assert.Equal(1, samples.Sum("frontier_admissions_total", Model, ("outcome", "refused"), ("frontier_limit", "request_minute")));
        Assert.Equal(1, samples.Sum("frontier_upstream_errors_total", Model, ("error_type", "500")));
        // Not per model: this host's alone, though other hosts run in this process (each exports its own meter only).
        Assert.Equal(3, samples.Sum("frontier_usage_rows_written_total"));
        // No group id unless Telemetry:GroupIdAttribute says so.
        Assert.DoesNotContain(samples, s => s.Labels.ContainsKey("frontier_group_id"));
    }

    [Fact]
    public async Task Scrape_HostGauges_AreExported()
    {
        Assert.Equal(HttpStatusCode.OK, await CallAsync("one"));

        var samples = await ScrapeAsync(s => s.Sum("gen_ai_server_request_duration_seconds_count", Model) >= 1);

        // This host's: other hosts run side by side in this process, with their own keys.
        Assert.Equal(1, Assert.Single(samples.Where("frontier_keys_cached")).Value);
        Assert.InRange(Assert.Single(samples.Where("frontier_snapshot_age_seconds")).Value, 0, 60);
        Assert.Single(samples.Where("frontier_usage_queue_length"));
        Assert.Equal(0, Assert.Single(samples.Where("frontier_webhook_backlog", ("status", "DEAD"))).Value);
        Assert.Single(samples.Where("frontier_webhook_backlog", ("status", "PENDING")));
        Assert.True(samples.Sum("frontier_snapshot_reload_duration_seconds_count") >= 1, "frontier_snapshot_reload_duration");
    }
}

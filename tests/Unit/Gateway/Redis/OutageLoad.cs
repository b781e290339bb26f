using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using FrontierGateway.Tests.Unit.Gateway.Inference;
using FrontierGateway.Tests.Unit.Infrastructure;

namespace FrontierGateway.Tests.Unit.Gateway.Redis;

/// <summary>
/// A Redis outage under load: <see cref="Calls"/> calls from 8 clients at once, Redis killed once 50 are answered,
/// <c>/readyz</c> read once 100 are, and Redis started again (empty) once 150 are and <c>/readyz</c> has answered.
/// </summary>
internal static class OutageLoad
{
    public const int Calls = 200;

    /// <summary>One call's status, its <c>x-frontier-limits</c> header and body.</summary>
    public sealed record Answer(int Status, string? Limits, string Body);

    public sealed record Readiness(HttpStatusCode Status, JsonNode Body)
    {
        public string Check(string name) => Body["checks"]![name]!["status"]!.GetValue<string>();
    }

    /// <param name="caller">The client of worker <c>i</c> (of 8).</param>
    /// <param name="probe">A client of the host whose <c>/readyz</c> is read during the outage.</param>
    public static async Task<(List<Answer> Answers, Readiness During)> RunAsync(RedisServer redis, Func<int, HttpClient> caller,
        HttpClient probe)
    {
        var answers = new ConcurrentQueue<Answer>();
        var answered = 0;
        // Redis comes back only once /readyz has answered: under load its checks can take longer than the other
        // workers take to reach the restart.
        var during = new TaskCompletionSource<Readiness>(TaskCreationOptions.RunContinuationsAsynchronously);
        // No call starts after the 50th answer until Redis is dead: killing it takes a moment, more on a busy machine.
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; i < Calls / 8; i++)
            {
                if (Volatile.Read(ref answered) >= 50)
                {
                    await killed.Task;
                }
                using var response = await caller(worker).ChatAsync();
                answers.Enqueue(new Answer((int)response.StatusCode,
                    response.Headers.TryGetValues("x-frontier-limits", out var limits) ? limits.Single() : null,
                    await response.Content.ReadAsStringAsync()));
                switch (Interlocked.Increment(ref answered))
                {
                    case 50:
                        redis.Kill();
                        killed.SetResult();
                        break;
                    case 100:
                        during.SetResult(await ReadyzAsync(probe));
                        break;
                    case 150:
                        await during.Task;
                        await redis.RestartAsync();
                        break;
                }
            }
        }));
        return ([.. answers], await during.Task);
    }

    public static async Task<Readiness> ReadyzAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/readyz");
        return new Readiness(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Waits until the host's limits count in Redis again (its circuit closed, the counters rebuilt).</summary>
    public static Task<TimeSpan> UntilExactAsync(HttpClient client) => HostPair.UntilAsync(async () =>
    {
        if ((await ReadyzAsync(client)).Check("limits") == "Healthy")
        {
            return true;
        }
        // Each /readyz queries the database: a few a second are enough.
        await Task.Delay(100);
        return false;
    }, TimeSpan.FromSeconds(30), "the limits exact again");
}

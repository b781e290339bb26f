using FrontierGateway.Data;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Bench.WriterBench;

/// <summary>Events shaped like the bench's: a few groups and keys, token counts of a short chat, no metadata on most.</summary>
internal static class UsageEvents
{
    public static List<UsageEvent> Make(int count)
    {
        var groups = Enumerable.Range(0, 100).Select(_ => Ids.New("grp")).ToArray();
        var keys = Enumerable.Range(0, 100).Select(n => $"benchkey{n:D8}").ToArray();
        var start = DateTime.UtcNow;
        return Enumerable.Range(0, count).Select(n => new UsageEvent
        {
            IdempotencyKey = Ids.NewUlid(),
            Timestamp = start.AddTicks(n * 100L),
            RequestId = Ids.New("req"),
            RequestMetadata = n % 10 == 0 ? """{"user":"bench"}""" : null,
            ModelSlug = "bench/stub",
            GroupId = groups[n % groups.Length],
            ExternalEntityId = "bench",
            ApiKeyPrefix = keys[n % keys.Length],
            InputTokens = 9,
            OutputTokens = 12,
            CachedInputTokens = 0,
        }).ToList();
    }
}

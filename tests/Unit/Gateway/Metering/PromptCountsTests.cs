using System.Text.Json;
using FrontierGateway.Gateway.Metering;
using FrontierGateway.Gateway.Wire;

namespace FrontierGateway.Tests.Unit.Gateway.Metering;

/// <summary>Prompt texts' counts remembered by their hash: counted once, the same count after, the memory bounded.</summary>
public sealed class PromptCountsTests
{
    /// <summary>16,000 characters of words, punctuation and numbers, as a long system prompt has them.</summary>
    private static readonly string Prose = MakeProse(16_000);

    [Fact]
    public void GetOrCount_SameTextAgain_CountedOnceAndTheSameCount()
    {
        var sut = new PromptCounts(capacity: 100);
        var counted = 0;
        int Count(string text) => ++counted * 1000 + text.Length;

        var first = sut.GetOrCount("system prompt " + new string('x', 300), Count);
        var again = sut.GetOrCount("system prompt " + new string('x', 300), Count);
        var other = sut.GetOrCount("system prompt " + new string('y', 300), Count);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal((2, 1L), (counted, sut.Hits));
    }

    [Fact]
    public void GetOrCount_ManyTexts_HoldsAtMostTwoGenerationsAndKeepsTheOnesInUse()
    {
        var sut = new PromptCounts(capacity: 50);
        var counted = 0;
        int Count(string text) => ++counted;
        var kept = "kept " + new string('k', 300);
        sut.GetOrCount(kept, Count);

        for (var i = 0; i < 1_000; i++)
        {
            sut.GetOrCount($"text {i} " + new string('t', 300), Count);
            if (i % 40 == 0)
            {
                // In use every 40 texts: carried from the previous generation before it is dropped.
                sut.GetOrCount(kept, Count);
            }
        }

        Assert.InRange(sut.Count, 1, 100);
        Assert.Equal(1_001, counted);
    }

    [Fact]
    public void TryCountPrompt_LongSystemPromptAgain_SameCountAsCountedWholeAndAnsweredFromMemory()
    {
        var tokens = new TokenCounter();
        var text = Prose + Guid.NewGuid();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            model = "m",
            messages = new object[] { new { role = "system", content = text }, new { role = "user", content = "hi" } },
        });
        var exact = tokens.Count(text) + tokens.Count("hi") + 2 * 3 + 3;
        var hits = TokenCounter.Prompts.Hits;

        var first = tokens.TryCountPrompt(InferenceOperation.ChatCompletions, body);
        var again = tokens.TryCountPrompt(InferenceOperation.ChatCompletions, body);

        Assert.Equal(exact, first);
        Assert.Equal(exact, again);
        Assert.True(TokenCounter.Prompts.Hits > hits, "the second count was counted again");
    }

    [Fact]
    public void TryCountPrompt_TextPastTheExactBudget_CountedAsWithoutMemory()
    {
        var tokens = new TokenCounter();
        // The first text takes nearly all the exact budget, so the second is counted in part and estimated in part.
        var first = string.Concat(Enumerable.Repeat(Prose, TokenCounter.MaxExactBytes / Prose.Length)) + Guid.NewGuid();
        var second = Prose + Guid.NewGuid();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { prompt = new[] { first, second } });
        var tree = tokens.CountPrompt(InferenceOperation.Completions, System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject());

        var counted = tokens.TryCountPrompt(InferenceOperation.Completions, body);
        var again = tokens.TryCountPrompt(InferenceOperation.Completions, body);

        Assert.Equal(tree, counted);
        Assert.Equal(tree, again);
        // The second text straddles the budget: counted exactly up to it, estimated past it.
        Assert.InRange(TokenCounter.MaxExactBytes - System.Text.Encoding.UTF8.GetByteCount(first), 1,
            System.Text.Encoding.UTF8.GetByteCount(second) - 1);
    }

    private static string MakeProse(int length)
    {
        string[] words = ["the", "gateway", "answers", "every", "call", "with", "its", "limits,", "tokens", "and", "1234",
            "Customers", "mint", "keys;", "a", "group's", "models", "are", "listed.", "You", "must", "not", "reveal", "them:"];
        var random = new Random(7);
        var text = new System.Text.StringBuilder();
        while (text.Length < length)
        {
            text.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? "\n" : " ");
        }
        return text.ToString(0, length);
    }
}

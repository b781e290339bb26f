using FrontierGateway.Gateway.Metering;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>Plausible English, seeded by the prompt so the same request gets the same answer.</summary>
internal static class SimulatedText
{
    // Every word is one o200k_base token bare, capitalised, and after a space, and each piece
    // generated below is one pre-token (a word with its leading space, "." or ","), so the
    // pieces' token counts add up to the count of the whole text.
    private static readonly string[] Words =
    [
        "the", "gateway", "model", "request", "response", "token", "stream", "system", "service", "data",
        "network", "server", "client", "user", "group", "limit", "usage", "window", "budget", "cache",
        "queue", "batch", "signal", "event", "metric", "value", "result", "answer", "question", "idea",
        "plan", "design", "pattern", "layer", "process", "thread", "memory", "storage", "record", "field",
        "index", "table", "query", "route", "path", "policy", "rule", "key", "secret", "header", "body",
        "message", "text", "word", "sentence", "summary", "example", "detail", "context", "reason", "choice",
        "option", "feature", "change", "update", "version", "release", "build", "test", "check", "review",
        "report", "note", "draft", "simple", "clear", "quick", "useful", "small", "large", "early", "late",
        "fast", "slow", "new", "old", "good", "better", "best", "open", "close", "short", "long", "main",
        "local", "global", "public", "private", "final", "first", "next", "last", "each", "every", "other",
        "many", "few", "more", "most", "some", "this", "that", "these", "those", "it", "we", "they", "you",
        "our", "their", "is", "are", "was", "were", "has", "have", "can", "will", "would", "should", "could",
        "may", "must", "does", "make", "makes", "made", "keep", "send", "read", "reads", "write", "writes",
        "run", "runs", "start", "starts", "stop", "stops", "move", "moves", "hold", "show", "shows", "take",
        "give", "find", "use", "uses", "help", "learn", "know", "see", "count", "counts", "follow", "handle",
        "handles", "return", "returns", "carry", "and", "or", "but", "so", "because", "while", "when",
        "where", "after", "before", "then", "also", "often", "always", "never", "usually", "clearly",
        "simply", "really", "well", "here", "there", "today", "now", "soon", "again", "together", "within",
        "across", "between", "through", "over", "under", "into", "from", "with", "without", "about", "for",
    ];

    /// <summary>
    /// Pieces of text, each about one token, with at most <paramref name="maxTokens"/> tokens in all.
    /// With <paramref name="endSentence"/> the text closes its last sentence with a full stop.
    /// </summary>
    public static List<string> Generate(TokenCounter tokens, string seedText, int maxTokens, bool endSentence)
    {
        var random = new Random(StableHash(seedText));
        var pieces = new List<string>();
        var count = 0;
        var sentenceWords = 0;
        var sentenceLength = random.Next(6, 16);
        while (count < maxTokens)
        {
            var remaining = maxTokens - count;
            if (endSentence && sentenceWords == 0 && pieces.Count > 0 && remaining < 2)
            {
                break;
            }

            string piece;
            if (sentenceWords >= sentenceLength || (endSentence && remaining == 1 && sentenceWords > 0))
            {
                piece = ".";
                sentenceWords = 0;
                sentenceLength = random.Next(6, 16);
            }
            else if (sentenceWords >= 3 && sentenceWords < sentenceLength - 2 && pieces[^1] != "," && random.Next(8) == 0)
            {
                piece = ",";
            }
            else
            {
                var word = Words[random.Next(Words.Length)];
                piece = (pieces.Count == 0 ? "" : " ") + (sentenceWords == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                sentenceWords++;
            }

            var n = tokens.Count(piece);
            if (count + n > maxTokens)
            {
                break;
            }

            pieces.Add(piece);
            count += n;
        }

        return pieces;
    }

    /// <summary>FNV-1a: unlike <see cref="string.GetHashCode()"/>, the same in every process.</summary>
    public static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}

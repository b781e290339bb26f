using System.Globalization;
using Microsoft.ML.Tokenizers;

namespace FrontierGateway.Gateway.Metering;

/// <summary>
/// Counts text with a BPE tokenizer in time linear in its length, by cutting over-long runs of one kind of character.
/// </summary>
/// <remarks>
/// The o200k pre-tokenizer keeps a run of letters, of punctuation or of white space together as one pre-token,
/// however long, and byte-pair merging costs the square of a pre-token's length: 300 KB of one "word" took 31–42 s
/// of CPU, 100K characters 3.5 s. Every pre-token is at most a couple of such runs (digits come in threes), so
/// cutting any run at <see cref="MaxRunBytes"/> UTF-8 bytes bounds the work per character. Text whose runs are all
/// shorter (prose, code, JSON, URLs, base64) is never cut and counts exactly as before; a cut adds at most a few
/// tokens (3 measured, on the alphabet repeated with no space). bench/token-count/README.md has the numbers.
/// </remarks>
internal static class LongRuns
{
    /// <summary>
    /// The longest run counted in one piece, in UTF-8 bytes (the unit byte-pair merging works on). 256 keeps the
    /// worst text within ~10x of prose per character while cutting no run that real text has; 128 was at most
    /// 1.5x faster and doubled the drift, 512 halved the drift and was 1.5–2.5x slower.
    /// </summary>
    public const int MaxRunBytes = 256;

    private enum Kind { Digit, Space, Letter, Other }

    /// <summary>The tokens of <paramref name="text"/>, cutting (only) runs longer than <see cref="MaxRunBytes"/>.</summary>
    public static int Count(Tokenizer tokenizer, ReadOnlySpan<char> text)
    {
        var total = 0;
        var start = 0;
        var run = Kind.Digit;
        var runBytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var kind = KindOf(c);
            var bytes = Utf8Bytes(c);
            if (kind != run || kind == Kind.Digit)
            {
                (run, runBytes) = (kind, bytes);
            }
            else if (runBytes + bytes > MaxRunBytes && !char.IsLowSurrogate(c))
            {
                total += tokenizer.CountTokens(text[start..i]);
                (start, runBytes) = (i, bytes);
            }
            else
            {
                runBytes += bytes;
            }
        }

        return total + tokenizer.CountTokens(text[start..]);
    }

    /// <summary>The UTF-8 length of <paramref name="c"/>: 1 to 3 bytes, a surrogate pair 4 (2 a half).</summary>
    public static int Utf8Bytes(char c) => c < 0x80 ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;

    // Only needs to tell apart what the pre-tokenizer keeps together; digits never form a long pre-token.
    private static Kind KindOf(char c)
    {
        if (char.IsAsciiLetter(c))
        {
            return Kind.Letter;
        }
        if (char.IsWhiteSpace(c))
        {
            return Kind.Space;
        }
        if (char.IsAsciiDigit(c))
        {
            return Kind.Digit;
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            >= UnicodeCategory.UppercaseLetter and <= UnicodeCategory.EnclosingMark => Kind.Letter,
            >= UnicodeCategory.DecimalDigitNumber and <= UnicodeCategory.OtherNumber => Kind.Digit,
            _ => Kind.Other,
        };
    }
}

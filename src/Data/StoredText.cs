namespace FrontierGateway.Data;

/// <summary>
/// What a text column and a text query parameter can hold on every provider. PostgreSQL's text refuses U+0000 (Npgsql
/// fails the whole statement with 22021) where SQLite stores it, so the same input was stored on one host and a 500
/// on the other: input bound for the database is checked with <see cref="CanHold"/> first and refused naming its field.
/// </summary>
public static class StoredText
{
    public static bool CanHold(string? value) => value is null || !value.Contains('\0');

    public static string Refusal(string field) => $"{field} must not contain the character U+0000.";

    /// <summary>
    /// Whether <paramref name="value"/> is at most <paramref name="maxCharacters"/> characters, counted as the SPEC and
    /// PostgreSQL's <c>varchar(n)</c> (UTF-8 database) count them: Unicode code points. <see cref="string.Length"/>
    /// counts UTF-16 code units, two for each character outside the BMP (an emoji, CJK extension B), so it refused
    /// 200 emoji as 400 characters. (SQLite does not enforce a column's length at all.)
    /// </summary>
    public static bool Fits(string? value, int maxCharacters) =>
        value is null || value.Length <= maxCharacters || (value.Length <= 2 * maxCharacters && Characters(value) <= maxCharacters);

    /// <summary>Code points; a lone surrogate counts as one, as the U+FFFD it is stored as.</summary>
    private static int Characters(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }
        return count;
    }
}

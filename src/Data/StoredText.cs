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
}

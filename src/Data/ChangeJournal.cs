using System.Text.Json;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data;

/// <summary>
/// Writes a change to the <c>Changes</c> table in the same unit of work as the change itself, and reads it back: the
/// durable side of <see cref="IChangeBus"/>, which a host that missed a bus message (or shares the database with no
/// bus) catches up from.
/// </summary>
public static class ChangeJournal
{
    /// <summary>Adds <paramref name="change"/> to <paramref name="db"/>'s unit of work, to commit with what it describes.</summary>
    public static void Record(FrontierDbContext db, ChangeSet change, DateTime at) =>
        db.Changes.Add(new ChangeEntry
        {
            At = at,
            GroupIds = change.GroupIds.Count == 0 ? null : JsonSerializer.Serialize(change.GroupIds),
            KeyPrefixes = change.KeyPrefixes.Count == 0 ? null : JsonSerializer.Serialize(change.KeyPrefixes),
            Endpoints = change.Endpoints,
        });

    /// <summary>The change an entry recorded.</summary>
    public static ChangeSet Read(ChangeEntry entry) =>
        new(Strings(entry.GroupIds), Strings(entry.KeyPrefixes), entry.Endpoints);

    private static string[] Strings(string? json) => json is null ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
}

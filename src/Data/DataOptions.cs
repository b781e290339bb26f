namespace FrontierGateway.Data;

/// <summary>Where the data lives. Section <c>Data</c>.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>The folder of the SQLite file; relative paths are taken from <see cref="Root"/>.</summary>
    public string Folder { get; set; } = "data";

    /// <summary>The base of a relative <see cref="Folder"/>; the content root when empty.</summary>
    public string? Root { get; set; }

    /// <summary>A full connection string; overrides <see cref="Folder"/> when set.</summary>
    public string? ConnectionString { get; set; }

    public string ResolveConnectionString(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }
        var folder = ResolveFolder(contentRoot);
        Directory.CreateDirectory(folder);
        return $"Data Source={Path.Combine(folder, "frontier.db")};Cache=Shared;Pooling=True";
    }

    /// <summary>The full path of <see cref="Folder"/> (or of <paramref name="path"/>, taken like it).</summary>
    public string ResolveFolder(string contentRoot, string? path = null) =>
        Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(Root) ? contentRoot : Root, path ?? Folder));
}

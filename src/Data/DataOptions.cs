namespace FrontierGateway.Data;

/// <summary>The database engines the data layer runs on (<c>Data:Provider</c>).</summary>
public enum DataProvider
{
    /// <summary>One host, one SQLite file under <see cref="DataOptions.Folder"/>: the default.</summary>
    Sqlite,

    /// <summary>PostgreSQL at <c>ConnectionStrings:Frontier</c>, for several hosts on one database.</summary>
    Postgres,
}

/// <summary>Where the data lives. Section <c>Data</c>, and the connection string <c>ConnectionStrings:Frontier</c>.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>The name under <c>ConnectionStrings</c> of the PostgreSQL connection string.</summary>
    public const string ConnectionStringName = "Frontier";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>; a string so that a wrong name gets an error naming the setting.</summary>
    public string Provider { get; set; } = nameof(DataProvider.Sqlite);

    /// <summary>The folder of the SQLite file; relative paths are taken from <see cref="Root"/>.</summary>
    public string Folder { get; set; } = "data";

    /// <summary>The base of a relative <see cref="Folder"/>; the content root when empty.</summary>
    public string? Root { get; set; }

    /// <summary>A full SQLite connection string; overrides <see cref="Folder"/> when set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// <c>ConnectionStrings:Frontier</c>, the PostgreSQL connection string. Not settable from the <c>Data</c> section
    /// (the binder skips a non-public setter): it has one name only.
    /// </summary>
    public string? PostgresConnectionString { get; internal set; }

    /// <summary>
    /// The provider named by <see cref="Provider"/> in any case, SQLite when it is blank (an empty environment variable),
    /// or null when it names none.
    /// </summary>
    public DataProvider? ParsedProvider => string.IsNullOrWhiteSpace(Provider)
        ? DataProvider.Sqlite
        : Enum.GetValues<DataProvider>().Select(p => (DataProvider?)p)
            .FirstOrDefault(p => string.Equals(p.ToString(), Provider.Trim(), StringComparison.OrdinalIgnoreCase));

    public string ResolveConnectionString(string contentRoot)
    {
        if (ParsedProvider == DataProvider.Postgres)
        {
            return PostgresConnectionString
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is required when Data:Provider is Postgres.");
        }
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }
        var folder = ResolveFolder(contentRoot);
        Directory.CreateDirectory(folder);
        // A private cache per connection, with the file in WAL mode (DatabaseInitializer): a read never blocks a write.
        // SQLite's shared cache locks each table a statement reads until it ends, so while the snapshot's whole read
        // streamed its rows (seconds at a million keys) every write to those tables waited: a PATCH of a group's limits
        // took 10 s and more, or failed after the 30 s command timeout with "database table is locked" (issue 16).
        return $"Data Source={Path.Combine(folder, "frontier.db")};Cache=Private;Pooling=True";
    }

    /// <summary>The full path of <see cref="Folder"/> (or of <paramref name="path"/>, taken like it).</summary>
    public string ResolveFolder(string contentRoot, string? path = null) =>
        Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(Root) ? contentRoot : Root, path ?? Folder));
}

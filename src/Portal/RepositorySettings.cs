using Microsoft.Extensions.Configuration.Json;

namespace FrontierGateway.Portal;

internal static class RepositorySettings
{
    public const string FileName = "appsettings.Development.json";

    /// <summary>
    /// In Development, loads the one development config from the repository root (found by walking up to
    /// FrontierGateway.sln), just above appsettings.json so that environment variables and the command line
    /// still win. Its relative data folder is taken from the repository root.
    /// </summary>
    public static void AddRepositoryDevelopmentSettings(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() || FindRoot(builder.Environment.ContentRootPath) is not { } root)
        {
            return;
        }
        var sources = builder.Configuration.Sources;
        var index = sources.Select((s, i) => (s, i))
            .LastOrDefault(x => x.s is JsonConfigurationSource { Path: "appsettings.json" }).i + 1;
        var file = new JsonConfigurationSource { Path = Path.Combine(root, FileName), Optional = true, ReloadOnChange = false };
        file.ResolveFileProvider();
        sources.Insert(index, file);
        sources.Insert(index, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new("Data:Root", root)],
        });
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FrontierGateway.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}

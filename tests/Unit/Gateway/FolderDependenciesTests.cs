using System.Text.RegularExpressions;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>
/// The folders of <c>src/Gateway</c> depend on each other one way (issue 11): a folder names another through its
/// namespace (<c>FrontierGateway.Gateway.Limits</c>), as each folder is one. The files at the root (the
/// composition, the options) are left out: they are the host's wiring, not a folder.
/// </summary>
public sealed partial class FolderDependenciesTests
{
    private static readonly Dictionary<string, HashSet<string>> Uses = ReadUses();

    [Fact]
    public void Folders_Namespaces_FormNoCycle()
    {
        var cycle = FindCycle();

        Assert.True(cycle is null, $"The folders depend on each other in a cycle: {string.Join(" -> ", cycle ?? [])}.");
    }

    [Fact]
    public void InferenceAndManagement_Namespaces_NeitherUsesTheOther()
    {
        Assert.DoesNotContain("Management", Uses["Inference"]);
        Assert.DoesNotContain("Inference", Uses["Management"]);
    }

    private static Dictionary<string, HashSet<string>> ReadUses()
    {
        var gateway = Path.Combine(HostProcess.RepositoryRoot(), "src", "Gateway");
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var folder in Directory.GetDirectories(gateway).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj")))
        {
            uses[folder] = Directory.GetFiles(Path.Combine(gateway, folder), "*.cs", SearchOption.AllDirectories)
                .SelectMany(file => GatewayNamespace().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
                .Where(used => used != folder)
                .ToHashSet();
        }
        Assert.Contains("Inference", uses.Keys);
        return uses;
    }

    /// <summary>A path through the folders that comes back to where it started, or null.</summary>
    private static List<string>? FindCycle()
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        return Uses.Keys.Order().Select(Visit).FirstOrDefault(c => c is not null);

        List<string>? Visit(string folder)
        {
            if (path.IndexOf(folder) is var at and >= 0)
            {
                return [.. path[at..], folder];
            }
            if (!done.Add(folder))
            {
                return null;
            }
            path.Add(folder);
            var found = Uses.GetValueOrDefault(folder, []).Order().Select(Visit).FirstOrDefault(c => c is not null);
            path.RemoveAt(path.Count - 1);
            return found;
        }
    }

    // Gateway.X as a using or a qualified name; Metering.Journal is Metering's.
    [GeneratedRegex(@"\bFrontierGateway\.Gateway\.([A-Z][A-Za-z]*)")]
    private static partial Regex GatewayNamespace();
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FrontierGateway.Portal.Components.Pages.Audit;

/// <summary>One value that differs between the state before and after a change, by JSON path.</summary>
public sealed record JsonChange(string Path, string? Before, string? After);

/// <summary>Pretty-prints the audit log's before/after JSON and lists the leaf values that changed.</summary>
public static class JsonDiff
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string? Pretty(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>Every leaf path whose value was added, removed or changed, in document order.</summary>
    public static List<JsonChange> Changes(string? before, string? after)
    {
        var old = Flatten(before);
        var @new = Flatten(after);
        var paths = old.Keys.Concat(@new.Keys.Where(k => !old.ContainsKey(k)));
        return [.. paths
            .Select(p => new JsonChange(p, old.GetValueOrDefault(p), @new.GetValueOrDefault(p)))
            .Where(c => c.Before != c.After)];
    }

    private static Dictionary<string, string> Flatten(string? json)
    {
        var leaves = new Dictionary<string, string>();
        if (json is null)
        {
            return leaves;
        }
        try
        {
            Walk(JsonNode.Parse(json), "", leaves);
        }
        catch (JsonException)
        {
            leaves[""] = json;
        }
        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj)
                {
                    Walk(child, path.Length == 0 ? name : $"{path}.{name}", leaves);
                }
                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", leaves);
                }
                break;
            default:
                leaves[path] = node?.ToJsonString(Indented) ?? "null";
                break;
        }
    }
}

using FrontierGateway.Data;
using FrontierGateway.Data.Entities;
using System.Text.RegularExpressions;
using FrontierGateway.Data.Groups;
using FrontierGateway.Portal.Components.Shared.Groups;

namespace FrontierGateway.Portal.Components.Pages.Groups;

/// <summary>One limit as it is being edited; the threshold is the text typed.</summary>
public sealed class LimitDraft
{
    public string Type { get; set; } = "TOKEN";
    public string Unit { get; set; } = "MINUTE";
    public string Threshold { get; set; } = "";
}

/// <summary>One slug with its limits, as it is being edited.</summary>
public sealed class ModelDraft
{
    public string Slug { get; set; } = "";
    public List<LimitDraft> RateLimits { get; } = [];
    public List<LimitDraft> UsageLimits { get; } = [];
}

/// <summary>
/// The editor's state to and from the wire records. The paths are the API's, so that a DomainException's
/// <c>Param</c> (<c>models[0].rate_limits[1].threshold</c>) names the field it concerns.
/// </summary>
internal static partial class LimitDrafts
{
    [GeneratedRegex(@"^models\[\d+\](\.slug|\.(rate|usage)_limits\[\d+\](\.(type|unit|threshold))?)?$")]
    private static partial Regex FieldPath();

    public static string Model(int i) => $"models[{i}]";
    public static string Slug(int i) => $"models[{i}].slug";
    public static string Limit(int i, bool rate, int j) => $"models[{i}].{(rate ? "rate_limits" : "usage_limits")}[{j}]";

    /// <summary>Whether the editor shows an error with this path next to a field (else above the editor).</summary>
    public static bool HasField(string param) => FieldPath().IsMatch(param);

    public static List<ModelDraft> From(IEnumerable<ModelView> models) => models.Select(m =>
    {
        var draft = new ModelDraft { Slug = m.Slug };
        draft.RateLimits.AddRange(m.RateLimits.Select(Draft));
        draft.UsageLimits.AddRange(m.UsageLimits.Select(Draft));
        return draft;
    }).ToList();

    /// <summary>The wire <c>models</c>, or the thresholds whose text is not a number, by path.</summary>
    public static (List<ModelInput?> Models, Dictionary<string, string> Errors) ToInputs(IReadOnlyList<ModelDraft> drafts)
    {
        var errors = new Dictionary<string, string>();
        var models = new List<ModelInput?>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            models.Add(new ModelInput(drafts[i].Slug.Trim(),
                Inputs(drafts[i].RateLimits, i, true, errors), Inputs(drafts[i].UsageLimits, i, false, errors)));
        }
        return (models, errors);
    }

    /// <summary>
    /// The domain's refusal as the field shows it: a CASCADING one also names the group whose limit it would cross
    /// and that limit, which the API's documented message does not.
    /// </summary>
    public static string Describe(DomainException e) => e.Conflict switch
    {
        { Relation: LimitRelation.Ancestor } c =>
            $"{e.Message} {c.GroupName} (an ancestor) allows at most {ThresholdText.Format(c.Threshold)}.",
        { } c => $"{e.Message} {c.GroupName} (a descendant) already has {ThresholdText.Format(c.Threshold)}: lower it first.",
        null => e.Message,
    };

    /// <summary>A new limit for the model: the type it has no limit of yet (TOKEN first), per minute or per day.</summary>
    public static LimitDraft NewLimit(ModelDraft model, bool rate)
    {
        var limits = rate ? model.RateLimits : model.UsageLimits;
        var token = WireNames.Of(LimitType.Token);
        var type = limits.Any(l => l.Type == token) ? WireNames.Of(LimitType.Request) : token;
        var limit = new LimitDraft { Type = type, Unit = WireNames.Of(rate ? LimitUnit.Minute : LimitUnit.Day) };
        limits.Add(limit);
        return limit;
    }

    /// <summary>The threshold's format error, or null: shown while typing.</summary>
    public static string? ThresholdError(string text) =>
        text.Length == 0 || ThresholdText.TryParse(text, out _) ? null : ThresholdText.Hint;

    /// <summary>Compares the editor's state with the saved one.</summary>
    public static string Signature(IEnumerable<ModelDraft> drafts) => string.Join("|", drafts.Select(d =>
        $"{d.Slug.Trim()}:{string.Join(",", d.RateLimits.Select(Key))};{string.Join(",", d.UsageLimits.Select(Key))}"));

    private static string Key(LimitDraft l) =>
        $"{l.Type}/{l.Unit}/{(ThresholdText.TryParse(l.Threshold, out var v) ? v.ToString() : l.Threshold)}";

    private static LimitDraft Draft(LimitView limit) =>
        new() { Type = WireNames.Of(limit.Type), Unit = WireNames.Of(limit.Unit), Threshold = ThresholdText.Format(limit.Threshold) };

    private static List<LimitInput?> Inputs(List<LimitDraft> limits, int i, bool rate, Dictionary<string, string> errors)
    {
        var inputs = new List<LimitInput?>(limits.Count);
        for (var j = 0; j < limits.Count; j++)
        {
            long? threshold = ThresholdText.TryParse(limits[j].Threshold, out var value) ? value : null;
            if (threshold is null)
            {
                errors[$"{Limit(i, rate, j)}.threshold"] = ThresholdText.Hint;
            }
            inputs.Add(new LimitInput(limits[j].Type, limits[j].Unit, threshold));
        }
        return inputs;
    }
}

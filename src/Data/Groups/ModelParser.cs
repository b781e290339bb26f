using System.Text.RegularExpressions;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Groups;

/// <summary>Turns the wire <c>models</c> list into entities, or refuses it naming the field.</summary>
public static partial class ModelParser
{
    /// <summary>
    /// 2^53 - 1: the largest integer a double holds exactly. The Redis store's scripts compare counts and thresholds as
    /// Lua numbers (doubles), so a larger threshold would be enforced to within a few units, not to the token.
    /// </summary>
    public const long MaxThreshold = 9_007_199_254_740_991;

    public const int MaxSlugLength = 255;

    /// <summary>
    /// Models of one group. Without a cap a 1 MB body held ~4,800 models of 4 limits each, and the CASCADING check
    /// compares each limit with every ancestor's and descendant's.
    /// </summary>
    public const int MaxModels = 256;

    // \z, not $: in .NET $ also matches before a final "\n", which would let "org/name\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*\z")]
    private static partial Regex SlugPattern();

    public static bool IsValidSlug(string? slug) =>
        slug is { Length: > 0 and <= MaxSlugLength } && SlugPattern().IsMatch(slug);

    public static List<GroupModel> Parse(List<ModelInput?> models, string groupId)
    {
        if (models.Count > MaxModels)
        {
            throw DomainException.Invalid("models", $"models may list at most {MaxModels} models; got {models.Count}.");
        }
        var result = new List<GroupModel>(models.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < models.Count; i++)
        {
            var path = $"models[{i}]";
            var model = models[i] ?? throw DomainException.Invalid(path, $"{path} must be an object.");
            if (!IsValidSlug(model.Slug))
            {
                throw DomainException.Invalid($"{path}.slug",
                    $"{path}.slug must look like \"org/name\" (letters, digits, '.', '_', '-'; at most {MaxSlugLength} characters).");
            }
            if (!seen.Add(model.Slug!))
            {
                throw DomainException.Invalid($"{path}.slug", $"{path}.slug \"{model.Slug}\" is listed twice.", "duplicate");
            }
            var entity = new GroupModel { GroupId = groupId, Slug = model.Slug! };
            AddLimits(entity, model.RateLimits, $"{path}.rate_limits", LimitKind.Rate);
            AddLimits(entity, model.UsageLimits, $"{path}.usage_limits", LimitKind.Usage);
            result.Add(entity);
        }
        return result;
    }

    private static void AddLimits(GroupModel model, List<LimitInput?>? limits, string path, LimitKind kind)
    {
        if (limits is null)
        {
            return;
        }
        var units = kind == LimitKind.Rate ? "SECOND, MINUTE" : "DAY";
        for (var j = 0; j < limits.Count; j++)
        {
            var at = $"{path}[{j}]";
            var limit = limits[j] ?? throw DomainException.Invalid(at, $"{at} must be an object.");
            var type = WireNames.Parse<LimitType>(limit.Type)
                ?? throw DomainException.Invalid($"{at}.type", $"{at}.type must be one of {WireNames.List<LimitType>()}{Got(limit.Type)}.");
            var unit = WireNames.Parse<LimitUnit>(limit.Unit);
            if (unit is null || (kind == LimitKind.Rate) == (unit == LimitUnit.Day))
            {
                throw DomainException.Invalid($"{at}.unit", $"{at}.unit must be one of {units}{Got(limit.Unit)}.");
            }
            if (limit.Threshold is not { } threshold || threshold is < 1 or > MaxThreshold)
            {
                throw DomainException.Invalid($"{at}.threshold", $"{at}.threshold must be an integer from 1 to {MaxThreshold}.");
            }
            var duplicate = model.Limits.Any(l => l.Kind == kind && l.Type == type
                && (kind == LimitKind.Rate || l.Unit == unit));
            if (duplicate)
            {
                var what = kind == LimitKind.Rate ? $"one {WireNames.Of(type)} rate limit" : $"one {WireNames.Of(type)}/{WireNames.Of(unit.Value)} usage limit";
                throw DomainException.Invalid(at, $"{at}: a slug may have at most {what}.", "duplicate");
            }
            model.Limits.Add(new ModelLimit { Kind = kind, Type = type, Unit = unit.Value, Threshold = threshold });
        }
    }

    private static string Got(string? value) => value is null ? " (missing)" : $"; got \"{value}\"";
}

using System.Text.RegularExpressions;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Data.Endpoints;

/// <summary>Validates targets and fills in the base URLs that a provider implies.</summary>
public static partial class TargetParser
{
    public const int MaxTargets = 16;
    public const string OpenAIBaseUrl = "https://api.openai.com/v1";
    public const int MaxWeight = 1000;
    public const int MaxPriority = 1000;

    /// <summary>The base URL a BASETEN target without one calls: its model's environment.</summary>
    public static string BasetenUrl(string modelId, string? environmentName) =>
        $"https://model-{modelId}.api.baseten.co/environments/{environmentName ?? "production"}/sync/v1";

    /// <summary>The targets, with the plaintext secret of each (or null) to be protected by the caller.</summary>
    public static List<(EndpointTarget Target, string? Secret)> Parse(List<TargetInput?>? targets, string endpointId)
    {
        if (targets is not { Count: > 0 and <= MaxTargets })
        {
            throw DomainException.Invalid("targets", $"targets must list 1 to {MaxTargets} targets.");
        }
        var result = new List<(EndpointTarget, string?)>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            var path = $"targets[{i}]";
            var input = targets[i] ?? throw DomainException.Invalid(path, $"{path} must be an object.");
            var provider = WireNames.Parse<ProviderKind>(input.Provider) ?? throw DomainException.Invalid($"{path}.provider",
                $"{path}.provider must be one of {WireNames.List<ProviderKind>()}.");
            CheckLength(input.TargetModel, $"{path}.target_model", 255);
            CheckLength(input.ModelId, $"{path}.model_id", 255);
            CheckLength(input.EnvironmentName, $"{path}.environment_name", 255);
            CheckLength(input.Secret, $"{path}.secret", 4096);
            if (provider == ProviderKind.Baseten)
            {
                CheckBasetenName(input.ModelId, $"{path}.model_id");
                CheckBasetenName(input.EnvironmentName, $"{path}.environment_name");
            }
            CheckRange(input.Weight, $"{path}.weight", 1, MaxWeight);
            CheckRange(input.Priority, $"{path}.priority", 0, MaxPriority);
            var target = new EndpointTarget
            {
                EndpointId = endpointId,
                Position = i,
                Provider = provider,
                TargetModel = input.TargetModel,
                ModelId = provider == ProviderKind.Baseten ? input.ModelId : null,
                EnvironmentName = provider == ProviderKind.Baseten ? input.EnvironmentName ?? "production" : null,
                BaseUrl = BaseUrl(provider, input, path),
                Weight = input.Weight ?? 1,
                Priority = input.Priority ?? 0,
            };
            result.Add((target, string.IsNullOrEmpty(input.Secret) ? null : input.Secret));
        }
        return result;
    }

    private static string? BaseUrl(ProviderKind provider, TargetInput input, string path)
    {
        if (input.BaseUrl is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
                || url.Length > 2048)
            {
                throw DomainException.Invalid($"{path}.base_url", $"{path}.base_url must be an absolute http or https URL.");
            }
            return provider == ProviderKind.Simulated ? null : url.TrimEnd('/');
        }
        return provider switch
        {
            ProviderKind.OpenAI => OpenAIBaseUrl,
            ProviderKind.Baseten when string.IsNullOrEmpty(input.ModelId) => throw DomainException.Invalid(
                $"{path}.model_id", $"{path}.model_id is required for BASETEN unless base_url is given."),
            ProviderKind.Baseten => BasetenUrl(input.ModelId!, input.EnvironmentName),
            ProviderKind.OpenAICompatible => throw DomainException.Invalid(
                $"{path}.base_url", $"{path}.base_url is required for OPENAI_COMPATIBLE."),
            _ => null,
        };
    }

    private static void CheckRange(int? value, string path, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw DomainException.Invalid(path, $"{path} must be an integer from {min} to {max}.");
        }
    }

    /// <summary>
    /// Both go into the upstream URL's host and path (<see cref="BasetenUrl"/>): anything beyond what Baseten's ids are
    /// made of could move the call elsewhere (<c>x@evil.example/</c> makes the host evil.example).
    /// </summary>
    private static void CheckBasetenName(string? value, string path)
    {
        if (value is not null && !BasetenName().IsMatch(value))
        {
            throw DomainException.Invalid(path, $"{path} may hold only letters, digits, '-' and '_'.");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\z")]
    private static partial Regex BasetenName();

    private static void CheckLength(string? value, string path, int max)
    {
        if (!StoredText.Fits(value, max))
        {
            throw DomainException.Invalid(path, $"{path} must be at most {max} characters.");
        }
    }
}

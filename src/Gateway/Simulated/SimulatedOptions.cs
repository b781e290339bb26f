using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Simulated;

/// <summary>Section <c>Simulated</c>: how fast the built-in model answers.</summary>
public sealed class SimulatedOptions
{
    public const string Section = "Simulated";

    /// <summary>The longest completion it writes, whatever <c>max_tokens</c> asks (GPT-4o's output limit).</summary>
    public const int MaxCompletionTokens = 16_384;

    /// <summary>Milliseconds before the first streamed token; 0 answers at once.</summary>
    public int TimeToFirstTokenMs { get; set; }

    /// <summary>Streamed tokens a second after the first; 0 streams as fast as the client reads.</summary>
    public double TokensPerSecond { get; set; }

    /// <summary>The completion length when the request gives no <c>max_tokens</c>.</summary>
    public int DefaultMaxTokens { get; set; } = 48;
}

internal sealed class ValidateSimulatedOptions : IValidateOptions<SimulatedOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatedOptions options)
    {
        var failures = new List<string>();
        if (options.TimeToFirstTokenMs < 0)
        {
            failures.Add($"{SimulatedOptions.Section}:{nameof(options.TimeToFirstTokenMs)} must be 0 or more milliseconds.");
        }

        if (!double.IsFinite(options.TokensPerSecond) || options.TokensPerSecond < 0)
        {
            failures.Add($"{SimulatedOptions.Section}:{nameof(options.TokensPerSecond)} must be 0 (unthrottled) or a positive number.");
        }

        if (options.DefaultMaxTokens is < 1 or > SimulatedOptions.MaxCompletionTokens)
        {
            failures.Add($"{SimulatedOptions.Section}:{nameof(options.DefaultMaxTokens)} must be between 1 and {SimulatedOptions.MaxCompletionTokens}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

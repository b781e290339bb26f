using FrontierGateway.Data.Keys;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway;

/// <summary>Section <c>Management</c>: what a development database is seeded with.</summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>The full value of a <c>manage</c> workspace key seeded in Development.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>A slug given a SIMULATED endpoint in Development.</summary>
    public string? SeedEndpoint { get; set; }
}

internal sealed class ValidateManagementOptions : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options) =>
        string.IsNullOrEmpty(options.BootstrapApiKey) || KeySecrets.TrySplit(options.BootstrapApiKey, out _, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Management:BootstrapApiKey must look like <{KeySecrets.PrefixLength}-character prefix>.<secret of at least {KeySecrets.MinSecretLength} characters>.");
}

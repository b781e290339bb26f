using Microsoft.Extensions.Options;

namespace FrontierGateway.Data;

/// <summary>Start-up errors that name the setting to fix; the connection string itself is never shown.</summary>
internal sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options) => options.ParsedProvider switch
    {
        null => ValidateOptionsResult.Fail(
            $"Data:Provider must be {string.Join(" or ", Enum.GetNames<DataProvider>())}, not \"{options.Provider}\"."),
        DataProvider.Postgres when string.IsNullOrWhiteSpace(options.PostgresConnectionString) => ValidateOptionsResult.Fail(
            $"ConnectionStrings:{DataOptions.ConnectionStringName} is required when Data:Provider is Postgres."),
        _ => ValidateOptionsResult.Success,
    };
}

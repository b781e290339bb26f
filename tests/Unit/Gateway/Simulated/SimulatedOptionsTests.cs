using FrontierGateway.Gateway.Simulated;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Simulated;

public sealed class SimulatedOptionsTests
{
    [Theory]
    [InlineData("TimeToFirstTokenMs", "-1")]
    [InlineData("TokensPerSecond", "-0.5")]
    [InlineData("TokensPerSecond", "NaN")]
    [InlineData("DefaultMaxTokens", "0")]
    [InlineData("DefaultMaxTokens", "100000")]
    public void AddSimulatedModel_BadSetting_FailsNamingTheConfigKey(string key, string value)
    {
        using var sut = Services(new() { [$"Simulated:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => sut.GetRequiredService<IOptions<SimulatedOptions>>().Value);

        Assert.Contains($"Simulated:{key}", error.Message);
    }

    [Fact]
    public void AddSimulatedModel_Configured_BindsTheSectionAndResolvesTheModel()
    {
        using var sut = Services(new() { ["Simulated:TimeToFirstTokenMs"] = "250", ["Simulated:TokensPerSecond"] = "80.5" });

        var options = sut.GetRequiredService<IOptions<SimulatedOptions>>().Value;

        Assert.Equal((250, 80.5, 48), (options.TimeToFirstTokenMs, options.TokensPerSecond, options.DefaultMaxTokens));
        Assert.Same(sut.GetRequiredService<SimulatedModel>(), sut.GetRequiredService<SimulatedModel>());
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSimulatedModel();
        return services.BuildServiceProvider(validateScopes: true);
    }
}

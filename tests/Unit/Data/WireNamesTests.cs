using System.Text.Json;
using FrontierGateway.Data.Entities;

namespace FrontierGateway.Tests.Unit.Data;

public sealed class WireNamesTests
{
    [Fact]
    public void Of_EveryWireEnum_IsTheContractSpelling()
    {
        Assert.Equal(["TOKEN", "REQUEST"], WireNames.All<LimitType>());
        Assert.Equal(["SECOND", "MINUTE", "DAY"], WireNames.All<LimitUnit>());
        Assert.Equal(["INDEPENDENT", "CASCADING"], WireNames.All<LimitEnforcement>());
        Assert.Equal(["OPENAI_COMPATIBLE", "OPENAI", "BASETEN", "SIMULATED"], WireNames.All<ProviderKind>());
        Assert.Equal(["PENDING", "DELIVERED", "FAILED", "DEAD"], WireNames.All<DeliveryStatus>());
        Assert.Equal(["manage", "view"], WireNames.All<WorkspaceScope>());
    }

    [Fact]
    public void Of_AgreesWithAnySerializer()
    {
        var sut = JsonSerializer.Serialize(new { Provider = ProviderKind.OpenAICompatible, Status = DeliveryStatus.Dead });

        Assert.Equal("""{"Provider":"OPENAI_COMPATIBLE","Status":"DEAD"}""", sut);
    }

    [Theory]
    [InlineData("CASCADING", LimitEnforcement.Cascading)]
    [InlineData("cascading", null)]
    [InlineData("Cascading", null)]
    [InlineData("1", null)]
    [InlineData(null, null)]
    public void Parse_IsExact(string? name, LimitEnforcement? expected)
    {
        Assert.Equal(expected, WireNames.Parse<LimitEnforcement>(name));
    }
}

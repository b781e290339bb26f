using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Gateway.Limits;

/// <summary>The reservations' settings as the host reads them: a value out of range stops the start, naming the setting.</summary>
public sealed class LimitsOptionsTests
{
    [Theory]
    [InlineData("Limits:DefaultReservedOutputTokens", "0", "Limits:DefaultReservedOutputTokens must be between 1 and 1000000")]
    [InlineData("Limits:DefaultReservedOutputTokens", "1000001", "Limits:DefaultReservedOutputTokens must be between 1 and 1000000")]
    [InlineData("Limits:ReservationTtlSeconds", "59", "Limits:ReservationTtlSeconds must be between 60 (a minute) and 86400 (a day)")]
    [InlineData("Limits:ReservationTtlSeconds", "86401", "Limits:ReservationTtlSeconds must be between 60 (a minute) and 86400 (a day)")]
    public async Task Start_ReservationSettingOutOfRange_FailsNamingTheSetting(string name, string value, string message)
    {
        await using var gateway = new GatewayFactory { Settings = { [name] = value } };

        var error = Assert.ThrowsAny<OptionsValidationException>(() => gateway.Services);

        Assert.Contains(message, error.Message);
    }
}

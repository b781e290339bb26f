using System.Security.Cryptography;
using System.Xml.Linq;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Protection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Tests.Unit.Data.Protection;

public sealed class KeyRingProtectionTests : IAsyncLifetime
{
    private static readonly (string, string) One = ("one", KeyRingHosts.Kek("one"));
    private static readonly (string, string) Two = ("two", KeyRingHosts.Kek("two"));
    private readonly string folder = GatewayFactory.NewFolder();
    private readonly KeyRingHosts sut;

    public KeyRingProtectionTests() => sut = new KeyRingHosts(folder);

    [Fact]
    public async Task KeyRing_AsStored_HoldsNoKeyMaterialInTheClear()
    {
        await using (var gateway = sut.Gateway("one", One))
        {
            await KeyRingHosts.StoreSecretsAsync(gateway);
        }

        var xml = Assert.Single(await sut.KeyRingAsync());

        Assert.DoesNotContain("masterKey", xml);
        Assert.DoesNotContain("unencrypted", xml);
        var encrypted = XElement.Parse(xml).Descendants(KeyRingEncryptor.ElementName).Single();
        Assert.Equal("one", encrypted.Attribute(KeyRingEncryptor.KekAttribute)!.Value);
        using var reader = sut.Reader(One);
        var masterKey = new KeyRingDecryptor(reader.Services).Decrypt(encrypted).Descendants("value").Single().Value;
        Assert.Equal(64, Convert.FromBase64String(masterKey).Length);
        Assert.DoesNotContain(masterKey, xml);
    }

    [Fact]
    public async Task ReadSecrets_DatabaseWithTheKek_DecryptsThem()
    {
        string signing;
        await using (var gateway = sut.Gateway("one", One))
        {
            signing = await KeyRingHosts.StoreSecretsAsync(gateway);
        }
        using var reader = sut.Reader(One);

        var (upstream, signingSecrets) = await KeyRingHosts.ReadSecretsAsync(reader.Services);

        Assert.Equal(KeyRingHosts.UpstreamSecret, upstream);
        Assert.Equal([signing], signingSecrets);
    }

    [Fact]
    public async Task ReadSecrets_DatabaseWithAWrongKek_CannotDecryptThem()
    {
        await using (var gateway = sut.Gateway("one", One))
        {
            await KeyRingHosts.StoreSecretsAsync(gateway);
        }
        using var wrongValue = sut.Reader(("one", KeyRingHosts.Kek("guess")));
        using var wrongId = sut.Reader(Two);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => KeyRingHosts.ReadSecretsAsync(wrongValue.Services));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => KeyRingHosts.ReadSecretsAsync(wrongId.Services));
    }

    [Fact]
    public async Task Start_KekRotated_OldSecretsStayReadableAndEveryEntryMovesToTheNewKek()
    {
        string signing;
        await using (var before = sut.Gateway("one", One))
        {
            signing = await KeyRingHosts.StoreSecretsAsync(before);
        }

        await using (var rotated = sut.Gateway("two", Two, One))
        {
            Assert.Equal((KeyRingHosts.UpstreamSecret, signing), Single(await KeyRingHosts.ReadSecretsAsync(rotated.Services)));
            rotated.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        }

        var keyRing = await sut.KeyRingAsync();
        Assert.Equal(2, keyRing.Count);
        Assert.All(keyRing, xml => Assert.Equal("two", XElement.Parse(xml).Descendants(KeyRingEncryptor.ElementName).Single()
            .Attribute(KeyRingEncryptor.KekAttribute)!.Value));
        using var retired = sut.Reader(Two);
        Assert.Equal((KeyRingHosts.UpstreamSecret, signing), Single(await KeyRingHosts.ReadSecretsAsync(retired.Services)));
    }

    [Fact]
    public async Task Start_KeyRingWrittenInPlaintextBefore_IsEncryptedAndItsSecretsStayReadable()
    {
        await using (var gateway = sut.Gateway("one", One))
        {
            await KeyRingHosts.StoreSecretsAsync(gateway);
        }
        var legacy = sut.PlaintextDataProtection();
        legacy.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var payload = legacy.GetDataProtector(EndpointService.SecretPurpose).Protect("written by the old version");
        Assert.Contains(await sut.KeyRingAsync(), xml => xml.Contains("<masterKey", StringComparison.Ordinal));

        await using (var upgraded = sut.Gateway("one", One))
        {
            Assert.Equal("written by the old version",
                upgraded.Services.GetDataProtector(EndpointService.SecretPurpose).Unprotect(payload));
        }

        var keyRing = await sut.KeyRingAsync();
        Assert.Equal(2, keyRing.Count);
        Assert.All(keyRing, xml => Assert.DoesNotContain("masterKey", xml));
    }

    [Fact]
    public async Task Start_KekThatDoesNotDecryptTheKeyRing_FailsNamingTheSetting()
    {
        await using (var gateway = sut.Gateway("one", One))
        {
            await KeyRingHosts.StoreSecretsAsync(gateway);
        }
        await using var wrong = sut.Gateway("one", ("one", KeyRingHosts.Kek("guess")));

        var error = Assert.ThrowsAny<CryptographicException>(() => wrong.Services);

        Assert.Contains($"{KeyEncryptionOptions.KeysKey}:one", error.Message);
    }

    [Fact]
    public async Task Start_OutsideDevelopmentWithoutKek_FailsNamingTheSetting()
    {
        await using var gateway = new GatewayFactory { Folder = folder, KeepFolder = true };
        var production = gateway.WithWebHostBuilder(builder => builder.UseEnvironment("Production"));

        var error = Assert.ThrowsAny<OptionsValidationException>(() => production.Services);

        Assert.StartsWith($"{KeyEncryptionOptions.KeysKey} is required", error.Message);
    }

    [Fact]
    public async Task Start_Development_LogsNoWarningAboutUnencryptedKeys()
    {
        var logs = new LogCapture();
        await using var gateway = new GatewayFactory { Folder = folder, KeepFolder = true };

        await KeyRingHosts.StoreSecretsAsync(gateway.WithWebHostBuilder(builder => builder.ConfigureLogging(l => l.AddProvider(logs))));

        Assert.Single(await sut.KeyRingAsync());
        Assert.DoesNotContain(logs.Messages, m => m.Contains("unencrypted", StringComparison.OrdinalIgnoreCase));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    private static (string?, string) Single((string? Upstream, List<string> Signing) secrets) =>
        (secrets.Upstream, Assert.Single(secrets.Signing));
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Data.Protection;

public static class KeyRingProtection
{
    /// <summary>
    /// Encrypts the key ring at rest with the key-encryption keys of <see cref="KeyEncryptionOptions"/>, through Data
    /// Protection's own extension point (<see cref="KeyManagementOptions.XmlEncryptor"/>), and adds the start-up step
    /// that checks and re-encrypts stored entries. Call before <c>AddDataProtection()</c> so that the step runs
    /// before Data Protection's own start-up reads the keys.
    /// </summary>
    public static IServiceCollection AddKeyRingProtection(this IServiceCollection services)
    {
        services.AddOptions<KeyEncryptionOptions>().BindConfiguration(KeyEncryptionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyEncryptionOptions>, KeyEncryptionOptionsValidator>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
            o => o.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<IOptions<KeyEncryptionOptions>>().Value)));
        services.AddHostedService<KeyRingRewrap>();
        return services;
    }
}

using System.Runtime.CompilerServices;
using Bunit;

namespace FrontierGateway.Tests.Unit.Portal;

internal static class BunitDefaults
{
    /// <summary>
    /// bUnit waits 1 s by default for a render or an assertion; the full suite runs test classes in parallel on
    /// two cores, where a dialog can take longer than that to appear. A wait that succeeds returns at once.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}

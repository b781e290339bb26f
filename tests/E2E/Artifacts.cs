namespace FrontierGateway.Tests.E2E;

/// <summary>Files a run leaves for people to look at: <c>E2E_ARTIFACTS</c> when set, else TestResults in the output.</summary>
internal static class Artifacts
{
    public static string ScreenshotPath(string name)
    {
        var root = Environment.GetEnvironmentVariable("E2E_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "TestResults");
        var folder = Path.Combine(root, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}

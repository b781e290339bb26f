using Microsoft.Playwright;

namespace FrontierGateway.Tests.E2E;

/// <summary>What every browser journey does around its own steps: screenshots, and signing in.</summary>
internal static class Journey
{
    /// <summary>Runs <paramref name="steps"/>, leaving <c>name.png</c> when they pass and <c>name-failed.png</c> when they throw.</summary>
    public static async Task RecordAsync(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await TryScreenshotAsync(page, name + "-failed");
            throw;
        }
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath(name), FullPage = true });
    }

    /// <summary>A screenshot that must not hide the failure it documents.</summary>
    public static async Task TryScreenshotAsync(IPage page, string name)
    {
        try
        {
            await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath(name), FullPage = true });
        }
        catch (PlaywrightException)
        {
        }
    }

    /// <summary>Fills and sends the sign-in form; the caller checks where it lands.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("account/login");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Email" }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}

using Microsoft.AspNetCore.Components;

namespace FrontierGateway.Portal.Components.Shared;

/// <summary>
/// A component that re-reads the in-memory live view once a second while it is shown interactively: a
/// <see cref="PeriodicTimer"/> started after the first interactive render (never during prerendering) and
/// stopped when the component is disposed.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private PeriodicTimer? timer;

    /// <summary>Reads the latest values, on the renderer's thread, before each tick's render.</summary>
    protected abstract void Refresh();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            _ = RefreshEverySecondAsync(timer);
        }
    }

    private async Task RefreshEverySecondAsync(PeriodicTimer ticks)
    {
        // Disposing the timer ends the wait with false, which ends the loop.
        while (await ticks.WaitForNextTickAsync())
        {
            try
            {
                await InvokeAsync(() =>
                {
                    Refresh();
                    StateHasChanged();
                });
            }
            catch (Exception e)
            {
                await DispatchExceptionAsync(e);
                return;
            }
        }
    }

    public void Dispose()
    {
        timer?.Dispose();
        GC.SuppressFinalize(this);
    }
}

using System.Diagnostics;
using System.Net;

namespace FrontierGateway.Tests.Unit;

/// <summary>The host as a real OS process, so that a test can kill it without a graceful shutdown.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();

    /// <summary>Set from the host's own "Now listening on" line: the port it bound, not one picked for it.</summary>
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => this.process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The operating system's id of the host process (a part of its host id).</summary>
    public int ProcessId => process.Id;

    public static async Task<HostProcess> StartAsync(string dataFolder, IDictionary<string, string> settings)
    {
        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(root, "src", "Portal", "bin", configuration, "net10.0", "FrontierGateway.Portal.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.Combine(root, "src", "Portal"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // Port 0, read back from the host's log: a port found free and then handed to the host can be taken in between
        // (by another test's host, which then answered this test's calls: same bootstrap key, another database).
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Data__Folder"] = dataFolder;
        start.Environment["Management__BootstrapApiKey"] = GatewayFactory.ManageKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        var process = Process.Start(start)!;
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilUpAsync();
        return host;
    }

    private void Append(string? line)
    {
        const string Listening = "Now listening on: ";
        if (line?.IndexOf(Listening, StringComparison.Ordinal) is >= 0 and var at)
        {
            listening.TrySetResult(new Uri(line[(at + Listening.Length)..].Trim() + "/"));
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public HttpClient Client(string key = GatewayFactory.ManageKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Api-Key", key);
        return client;
    }

    /// <summary>Ends the process at once: no graceful shutdown, nothing drained.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    private async Task WaitUntilUpAsync()
    {
        var exited = process.WaitForExitAsync();
        var limit = Task.Delay(TimeSpan.FromSeconds(60));
        if (await Task.WhenAny(listening.Task, exited, limit) != listening.Task)
        {
            throw new InvalidOperationException($"The host did not say where it listens: {(process.HasExited ? $"exited with code {process.ExitCode}" : "60 s")}: {Output}");
        }
        BaseAddress = await listening.Task;
        using var client = Client();
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode}: {Output}");
            }
            try
            {
                if ((await client.GetAsync("/v1/gateway/endpoints")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The host did not answer within 60 s.");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FrontierGateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("FrontierGateway.sln not found above the test binaries.");
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
        }
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}

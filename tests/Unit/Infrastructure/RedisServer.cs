using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FrontierGateway.Tests.Unit.Infrastructure;

/// <summary>
/// A redis-server of the tests' own (Debian's package, /usr/bin/redis-server) on a free loopback port, keeping
/// nothing on disk; started within seconds or not at all, and killed at the end.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);
    private readonly StringBuilder output = new();
    private Process? process;

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string, for <c>Redis:Configuration</c>.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        // A port found free can be taken before the server binds it: try a few.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            process = Start(Port);
            if (await AnswersAsync())
            {
                return;
            }
            Stop();
            if (attempt == 2)
            {
                throw new InvalidOperationException($"redis-server did not answer within {StartLimit.TotalSeconds} s: {Output}");
            }
        }
    }

    private Process Start(int port)
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no" },
        };
        var started = Process.Start(start)!;
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    /// <summary>Polls with PING until the server answers PONG, it exits, or the start limit passes.</summary>
    private async Task<bool> AnswersAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartLimit && !process!.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or TimeoutException)
            {
            }
            await Task.Delay(50);
        }
        return false;
    }

    private void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Kills the server, as an outage would; <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public void Kill() => Stop();

    public async Task RestartAsync()
    {
        process = Start(Port);
        if (!await AnswersAsync())
        {
            throw new InvalidOperationException($"redis-server did not come back on port {Port}: {Output}");
        }
    }

    private void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process?.Dispose();
        process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }
}

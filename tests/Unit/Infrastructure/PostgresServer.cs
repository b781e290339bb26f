using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FrontierGateway.Tests.Unit.Infrastructure;

/// <summary>
/// One real PostgreSQL (Debian's <c>postgresql</c> package) for the whole test run: started on first use in a
/// throw-away folder, on a free loopback port, and stopped when the test process exits. Each test asks it for a
/// database of its own (<see cref="CreateDatabase"/>).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly Lazy<PostgresServer> shared = new(Start);
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "fgw-postgres");
    private const string OwnerFile = "owner.pid";

    private readonly string folder;
    private readonly string bin;

    private PostgresServer(string folder, string bin, int port)
    {
        this.folder = folder;
        this.bin = bin;
        Port = port;
    }

    /// <summary>The server of this test run, started by the first caller (the others wait for it).</summary>
    public static PostgresServer Shared => shared.Value;

    /// <summary>A server of the caller's own, which it may stop and start again (<see cref="Kill"/>, <see cref="Restart"/>).</summary>
    public static PostgresServer StartOwn() => Start();

    public int Port { get; }

    /// <summary>A connection string to <paramref name="database"/> as the superuser (trust authentication, loopback only).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>Creates an empty database with a fresh name; returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "fgw_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE DATABASE \"{name}\"");
        return name;
    }

    /// <summary>Drops the database, closing whatever connections to it are still open (pooled ones included).</summary>
    public void DropDatabase(string name)
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString(name)));
        Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private void Execute(string sql)
    {
        // Pooling off: these connections are to the maintenance database and must not outlive the call.
        using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static PostgresServer Start()
    {
        // The newest installed major version: Debian puts each in /usr/lib/postgresql/<major>.
        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Where(d => File.Exists(Path.Combine(d, "bin", "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql; .ci/run does it).");
        RemoveLeftovers(bin);
        var folder = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        // PostgreSQL refuses to run as root: as root, the folder goes to the postgres user and the tools run as it.
        Run("chown", "-R", "postgres:postgres", folder);
        // An ICU default collation, like a production database's language-aware one; the model asks for "C" on every
        // text column (PostgresFrontierDbContext), and TextOrderTests shows that it holds.
        RunAsPostgres(Path.Combine(bin, "initdb"), "-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US");
        var server = new PostgresServer(folder, bin, FreePort());
        server.Run();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private void Run()
    {
        // Durability is the operating system's business here: a test database need not survive a power loss.
        var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400";
        RunAsPostgres(Path.Combine(bin, "pg_ctl"), "start", "-w", "-t", "60", "-D", Path.Combine(folder, "data"),
            "-l", Path.Combine(folder, "server.log"), "-o", settings);
    }

    /// <summary>Ends the server at once, as a crash would (its data stay for <see cref="Restart"/>).</summary>
    public void Kill() =>
        RunAsPostgres(Path.Combine(bin, "pg_ctl"), "stop", "-m", "immediate", "-w", "-t", "30", "-D", Path.Combine(folder, "data"));

    /// <summary>Starts a killed server again on the same port and data.</summary>
    public void Restart() => Run();

    /// <summary>Stops the server and deletes its folder (for a server of one's own; the shared one goes at exit).</summary>
    public void Dispose() => Stop();

    /// <summary>
    /// Stops and deletes the servers of test runs that are gone: a run killed before its exit handler ran, or whose
    /// exit handler was cut short, leaves its server behind.
    /// </summary>
    private static void RemoveLeftovers(string bin)
    {
        foreach (var folder in Directory.Exists(Root) ? Directory.GetDirectories(Root) : [])
        {
            var owner = Path.Combine(folder, OwnerFile);
            var ownerAlive = File.Exists(owner) && int.TryParse(File.ReadAllText(owner), out var pid) && Directory.Exists($"/proc/{pid}");
            // A folder without its owner file is being created right now, unless it is old.
            if (ownerAlive || (!File.Exists(owner) && Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10)))
            {
                continue;
            }
            try
            {
                new PostgresServer(folder, bin, 0).Stop();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                // Best effort: a server that died with its machine leaves a postmaster.pid naming no process, and pg_ctl
                // refuses to stop it; the folder is still removed (Stop's finally), and a failure here must not fail the run.
            }
        }
    }

    private void Stop()
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        try
        {
            var pidFile = Path.Combine(folder, "data", "postmaster.pid");
            // The first line of postmaster.pid is the server's pid; a server that died without stopping leaves the file.
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                || !Directory.Exists($"/proc/{pid}"))
            {
                return;
            }
            RunAsPostgres(Path.Combine(bin, "pg_ctl"), "stop", "-m", "immediate", "-w", "-t", "30", "-D", Path.Combine(folder, "data"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void RunAsPostgres(string tool, params string[] args)
    {
        if (IsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", tool, .. args]);
        }
        else
        {
            Run(tool, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        if (file == "chown" && !IsRoot)
        {
            return;
        }
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {CommandTimeout.TotalSeconds} s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output.Result}{error.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

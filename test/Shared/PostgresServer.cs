using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace Im.Orleans.Testing;

/// <summary>
/// A throwaway PostgreSQL server in /tmp for one test assembly (use it as a collection fixture): initdb on start,
/// immediate stop and directory removal on dispose. Needs the server binaries; run scripts/ensure-postgres.sh.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    private const string InstallRoot = "/usr/lib/postgresql";
    private const string RootPrefix = "imorleans-pg-";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);

    private string? _root;
    private string? _binDirectory;
    private bool _runAsPostgres;
    private int _port;
    private bool _running;
    private EventHandler? _onProcessExit;

    /// <summary>Connects as the superuser "postgres" (trust authentication) to the "postgres" database.</summary>
    public string ConnectionString => BuildConnectionString("postgres");

    public int Port => _running ? _port : throw new InvalidOperationException("The PostgreSQL server has not been started.");

    /// <summary>The server binaries in use, e.g. /usr/lib/postgresql/15/bin.</summary>
    public string BinDirectory => _binDirectory ?? throw new InvalidOperationException("The PostgreSQL server has not been started.");

    public Task InitializeAsync() => Task.Run(Start);

    public Task DisposeAsync() => Task.Run(Stop);

    /// <summary>Creates an empty database and returns a connection string for it, so tests do not see each other's tables.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!DatabaseName().IsMatch(name)) throw new ArgumentException($"'{name}' is not a plain lower-case database name.", nameof(name));
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return BuildConnectionString(name);
    }

    private string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 15,
        IncludeErrorDetail = true,
    }.ConnectionString;

    private void Start()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The throwaway PostgreSQL server needs Linux (or another Unix).");
        _binDirectory = FindBinDirectory();
        _runAsPostgres = IsRoot();
        CleanUpOrphans();
        _root = Path.Combine("/tmp", RootPrefix + Guid.NewGuid().ToString("N")[..12]);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                   UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(_root, mode);
        Directory.CreateDirectory(Path.Combine(_root, "sockets"), mode);
        // Lets a later run recognize this directory as orphaned if this test host dies without stopping the server.
        File.WriteAllText(Path.Combine(_root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        _onProcessExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
        try
        {
            // The server refuses to run as root, so the directory must belong to the user it runs as.
            if (_runAsPostgres) Run("chown", ["-R", "postgres", _root]);
            RunTool("initdb", ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"]);
            StartServer();
        }
        catch
        {
            Stop();
            throw;
        }
    }

    private void StartServer()
    {
        // The free port is chosen before the server binds it, so another process may take it first: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            _port = FindFreePort();
            var options = string.Join(' ',
                $"-h 127.0.0.1 -p {_port} -k {Path.Combine(_root!, "sockets")}",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
            try
            {
                RunTool("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"]);
                _running = true;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private void Stop()
    {
        var root = Interlocked.Exchange(ref _root, null);
        if (_onProcessExit is { } handler) AppDomain.CurrentDomain.ProcessExit -= handler;
        if (root is null) return;
        StopServerIn(root, _binDirectory!, _runAsPostgres);
        _running = false;
    }

    private static void StopServerIn(string root, string binDirectory, bool runAsPostgres)
    {
        var data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                Run(runAsPostgres ? "runuser" : Path.Combine(binDirectory, "pg_ctl"),
                    [.. (runAsPostgres ? new[] { "-u", "postgres", "--", Path.Combine(binDirectory, "pg_ctl") } : []), "-D", data, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped or never fully started; the directory goes either way.
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Stops servers left behind by test hosts that were killed before their ProcessExit handler ran.</summary>
    private void CleanUpOrphans()
    {
        foreach (var directory in Directory.EnumerateDirectories("/tmp", RootPrefix + "*"))
        {
            var ownerFile = Path.Combine(directory, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture, out var owner)) continue;
            if (IsAlive(owner)) continue;
            StopServerIn(directory, _binDirectory!, _runAsPostgres);
        }
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string DataDirectory => Path.Combine(_root!, "data");

    private string LogFile => Path.Combine(_root!, "server.log");

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Select(d => (Directory: d, Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(c => File.Exists(Path.Combine(c.Directory, "bin", "initdb")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? Path.Combine(candidates[0].Directory, "bin")
            : throw new InvalidOperationException(
                $"PostgreSQL server binaries were not found under {InstallRoot}/*/bin. Run scripts/ensure-postgres.sh (or ./test.sh) to install them.");
    }

    private static bool IsRoot() =>
        Environment.UserName == "root" || Run("id", ["-u"]).Trim() == "0";

    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private void RunTool(string tool, IEnumerable<string> arguments)
    {
        var path = Path.Combine(_binDirectory!, tool);
        try
        {
            if (_runAsPostgres) Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
            else Run(path, arguments);
        }
        catch (InvalidOperationException e) when (File.Exists(LogFile))
        {
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}Server log:{Environment.NewLine}{File.ReadAllText(LogFile)}", e);
        }
    }

    /// <summary>Runs a program to completion and returns its output; throws with the output when it fails or hangs.</summary>
    private static string Run(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres user cannot read root's home; run the tools from a directory everyone may enter.
            WorkingDirectory = "/tmp",
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var commandLine = $"{fileName} {string.Join(' ', info.ArgumentList)}";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {commandLine}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{commandLine} did not finish within {ToolTimeout.TotalSeconds} s.");
        }

        // A server started in the background could in principle keep the pipes open; never wait on it for long.
        Task.WaitAll([output, error], TimeSpan.FromSeconds(5));
        var text = (output.IsCompletedSuccessfully ? output.Result : "") + (error.IsCompletedSuccessfully ? error.Result : "");
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"{commandLine} exited with code {process.ExitCode}:{Environment.NewLine}{text}");
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}

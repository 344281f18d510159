using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// The connection caps in force, resolved once at start-up from <see cref="ConnectionLimitOptions"/> and the open-file
/// limit. Every client socket is a file descriptor, and a process that runs out of them cannot open a database file, a
/// socket to a silo or even accept a connection to refuse it, so the caps keep client sockets below the limit:
/// <list type="bullet">
/// <item>a reserve (1000 + 5 % of the limit) for the process's own files and sockets; the rest is the client socket budget;</item>
/// <item>Kestrel's limits split that budget (the hard backstop): a tenth (or Limits:HttpConnections) for plain HTTP
/// connections (REST, negotiate, uploads, Server-Sent Events, long polling), the rest for upgraded ones (WebSockets);</item>
/// <item>the hub cap <see cref="MaxConnections"/> lies below Kestrel's upgraded limit by two margins: WebSockets being
/// refused with a close still hold a socket, and a closed one frees the gate's slot a moment before Kestrel's.</item>
/// </list>
/// </summary>
public sealed class ConnectionLimits
{
    private ConnectionLimits(ConnectionLimitOptions options) => Options = options;

    public ConnectionLimitOptions Options { get; }

    /// <summary>The process's open-file limit, or null when unknown or unlimited (then only a configured cap applies).</summary>
    public long? OpenFiles { get; private init; }

    /// <summary>File descriptors kept for everything but client sockets.</summary>
    public int Reserve { get; private init; }

    /// <summary>The most hub connections this gateway holds (all transports); null: no cap.</summary>
    public int? MaxConnections { get; private init; }

    /// <summary>The configured MaxConnections when it was above what the open-file limit allows (and so lowered).</summary>
    public int? Lowered { get; private init; }

    /// <summary>WebSocket upgrades in progress at once (admitted or being refused with a close); beyond it a 503 without upgrading.</summary>
    public int? UpgradesInFlight { get; private init; }

    /// <summary>Kestrel's MaxConcurrentUpgradedConnections.</summary>
    public int? KestrelUpgraded { get; private init; }

    /// <summary>Kestrel's MaxConcurrentConnections (connections not upgraded).</summary>
    public int? KestrelConnections { get; private init; }

    public static ConnectionLimits From(IConfiguration configuration) =>
        Resolve(configuration.GetSection(ConnectionLimitOptions.SectionName).Get<ConnectionLimitOptions>() ?? new ConnectionLimitOptions(), OpenFileLimit.Read());

    public static ConnectionLimits Resolve(ConnectionLimitOptions options, long? openFiles)
    {
        if (options.MaxConnections < 1) throw new InvalidOperationException("Limits:MaxConnections must be at least 1.");
        if (options.RetryAfter <= TimeSpan.Zero || options.RefusalLogInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("Limits:RetryAfter and Limits:RefusalLogInterval must be positive.");
        if (openFiles is not { } files)
        {
            if (options.MaxConnections is not { } configured) return new ConnectionLimits(options);
            var margin = Math.Max(16, configured / 100);
            return new ConnectionLimits(options)
            {
                MaxConnections = configured,
                UpgradesInFlight = configured + margin,
                KestrelUpgraded = configured + 2 * margin,
            };
        }

        files = Math.Min(files, int.MaxValue / 2);
        var reserve = options.FileDescriptorReserve ?? (int)Math.Min(files / 2, 1000 + files / 20);
        if (reserve < 0 || reserve >= files) throw new InvalidOperationException($"Limits:FileDescriptorReserve must lie between 0 and the open-file limit ({files}).");
        var sockets = (int)files - reserve;
        if (options.HttpConnections is { } configuredHttp && (configuredHttp < 1 || configuredHttp >= sockets))
            throw new InvalidOperationException($"Limits:HttpConnections must lie between 1 and the client socket budget ({sockets}).");
        var http = options.HttpConnections ?? Math.Max(sockets / 10, Math.Min(256, sockets / 2));
        var upgradable = sockets - http;
        var slack = Math.Max(Math.Min(16, upgradable / 4), upgradable / 100);
        var ceiling = Math.Max(1, upgradable - 2 * slack);
        var cap = Math.Min(options.MaxConnections ?? ceiling, ceiling);
        return new ConnectionLimits(options)
        {
            OpenFiles = files,
            Reserve = reserve,
            MaxConnections = cap,
            Lowered = options.MaxConnections > ceiling ? options.MaxConnections : null,
            UpgradesInFlight = cap + slack,
            KestrelUpgraded = cap + 2 * slack,
            KestrelConnections = Math.Max(1, sockets - (cap + 2 * slack)),
        };
    }

    public void ApplyTo(KestrelServerLimits kestrel)
    {
        if (KestrelConnections is { } connections) kestrel.MaxConcurrentConnections = connections;
        if (KestrelUpgraded is { } upgraded) kestrel.MaxConcurrentUpgradedConnections = upgraded;
    }

    /// <summary>The start-up log line: what was derived from what.</summary>
    public string Describe() => MaxConnections is null
        ? "no connection cap: the open-file limit is unknown or unlimited and Limits:MaxConnections is unset"
        : $"at most {MaxConnections} hub connections; Kestrel: {KestrelUpgraded} upgraded and "
          + (KestrelConnections is { } http ? $"{http} other connections" : "unlimited other connections")
          + (OpenFiles is { } files ? $" (open-file limit {files}, {Reserve} kept for files and the process's own sockets)" : " (open-file limit unknown)");
}

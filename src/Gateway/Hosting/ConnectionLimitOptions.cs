namespace Im.Orleans.Gateway.Hosting;

/// <summary>How many client connections the gateway holds ("Limits" section); unset values derive from the open-file limit.</summary>
public sealed class ConnectionLimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>
    /// The most hub connections (WebSockets, Server-Sent Events and long polling together) this gateway holds. Unset:
    /// what the process's open-file limit allows (see <see cref="ConnectionLimits"/>); a larger value is lowered to that.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// File descriptors kept for everything but client sockets: the runtime, SQLite files, database pools, Orleans
    /// sockets, uploads. Unset: 1000 plus 5 % of the limit (at most half of it).
    /// </summary>
    public int? FileDescriptorReserve { get; set; }

    /// <summary>
    /// Kestrel's budget of plain HTTP connections (REST, negotiate, uploads, Server-Sent Events, long polling), taken
    /// from the client socket budget before WebSockets get the rest. Unset: a tenth of the budget (at least 256, at
    /// most half). A gateway that serves mostly WebSockets near its open-file limit may set less to hold more of them.
    /// </summary>
    public int? HttpConnections { get; set; }

    /// <summary>What a refused client is told to wait (Retry-After and the "retry after N ms" of the error).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Refusals are summed over this long and logged as one line, never one line each.</summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}

using Microsoft.Extensions.Options;
using Npgsql;

namespace Im.Orleans.Configuration;

/// <summary>Which cluster this node belongs to and where it listens, bound from configuration section "Cluster".</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>PostgreSQL connection string of the membership table; cluster mode is on when this is set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Several clusters may share one table; each node sees only the rows of its own cluster.</summary>
    public string ClusterId { get; set; } = "im";

    /// <summary>The silo transport port; 0 picks any free port.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>The host name or address other nodes dial to reach this one.</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>The local address the transport listens on.</summary>
    public string ListenHost { get; set; } = "0.0.0.0";

    /// <summary>True when a connection string is set.</summary>
    public bool IsClusterMode => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every setting that cannot work.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(ClusterId)) failures.Add("Cluster:ClusterId must not be empty.");
        if (Port is < 0 or > 65535) failures.Add($"Cluster:Port {Port} is not a TCP port (0 picks a free one).");
        if (string.IsNullOrWhiteSpace(AdvertisedHost)) failures.Add("Cluster:AdvertisedHost must not be empty.");
        if (string.IsNullOrWhiteSpace(ListenHost)) failures.Add("Cluster:ListenHost must not be empty.");
        if (IsClusterMode)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                failures.Add($"Cluster:ConnectionString is invalid: {e.Message}");
            }
        }

        if (failures.Count > 0) throw new OptionsValidationException(SectionName, typeof(ClusterOptions), failures);
    }
}

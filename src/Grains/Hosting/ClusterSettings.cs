using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Im.Orleans.Grains.Hosting;

/// <summary>
/// The "Cluster" section shared by silos and gateways: the PostgreSQL database holding membership, the cluster's
/// ids, and a silo's own endpoints. A gateway with a connection string is a cluster client and hosts no grains.
/// </summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary>The PostgreSQL connection string of the membership table (Cluster:ConnectionString).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Silos and gateways with the same ClusterId form one cluster.</summary>
    public string ClusterId { get; set; } = "im";

    /// <summary>Names the stored grain state; keep it across deployments, or state written before is not found.</summary>
    public string ServiceId { get; set; } = "im";

    /// <summary>A silo's port for silo-to-silo traffic.</summary>
    public int Port { get; set; } = 11111;

    /// <summary>A silo's port for gateways (Orleans clients).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The host name or IP address other nodes reach this silo at (resolved once at start).</summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";

    /// <summary>The local address the silo listens on.</summary>
    public string ListenHost { get; set; } = "0.0.0.0";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);

    public static ClusterSettings From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<ClusterSettings>() ?? new ClusterSettings();

    /// <summary>Ids, endpoints and failure detection of a cluster silo; "Cluster:Membership" overrides the detection defaults.</summary>
    public void ConfigureSilo(ISiloBuilder silo)
    {
        ConfigureIds(silo.Services);
        var advertised = Resolve(AdvertisedHost);
        var listen = IPAddress.Parse(ListenHost);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = Port;
            o.GatewayPort = GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(listen, Port);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, GatewayPort);
        });
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(FastFailureDetection)
            .Bind(silo.Configuration.GetSection($"{SectionName}:Membership"));
    }

    /// <summary>The cluster's ids on a gateway (a cluster client).</summary>
    public void ConfigureClient(IClientBuilder client) => ConfigureIds(client.Services);

    /// <summary>
    /// Orleans' defaults declare a killed silo dead after 12-19 s; these bring it to 1-2 s (a hung one to about 3 s), so
    /// a crashed silo's grains serve again from a survivor within 5 s. MaxProbeTimeout matters for a hung silo: by
    /// default (4 x ProbeTimeout) recent traffic from it holds back suspicion for 8 s.
    /// </summary>
    public static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.MaxProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    private void ConfigureIds(IServiceCollection services) => services.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = ClusterId;
        o.ServiceId = ServiceId;
    });

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var address) ? address : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
}

using System.Net;
using System.Net.Sockets;
using Im.Orleans.Configuration;
using Im.Orleans.Core;
using Im.Orleans.Membership;
using Im.Orleans.Messaging;
using Im.Orleans.Networking;
using Im.Orleans.Runtime;
using Im.Orleans.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Hosting;

/// <summary>Cluster mode: silos that share grains through a PostgreSQL membership table, and gateways that call them.</summary>
public static class ClusteringHostingExtensions
{
    /// <summary>Makes this silo a member of the cluster configured in section "Cluster" (Cluster:ConnectionString, Cluster:ClusterId, Cluster:Port).</summary>
    public static ISiloBuilder UseClustering(this ISiloBuilder builder) => builder.UseClustering(NodeRole.Silo);

    /// <summary>A cluster client (what a gateway is): hosts no grains, reaches them on the silos, and hosts its observers.</summary>
    public static IHostApplicationBuilder UseOrleansClient(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseOrleans(silo =>
        {
            silo.UseClustering(NodeRole.Gateway);
            configure?.Invoke(silo);
        });
    }

    internal static ISiloBuilder UseClustering(this ISiloBuilder builder, NodeRole role)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ClusterOptions>().Bind(builder.Configuration.GetSection(ClusterOptions.SectionName));
        services.AddOptions<ClusterMembershipOptions>().Bind(builder.Configuration.GetSection("Orleans:Membership"));
        services.AddOptions<NetworkingOptions>().Bind(builder.Configuration.GetSection("Orleans:Networking"));

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            options.Validate();
            var port = role == NodeRole.Silo ? (options.Port == 0 ? FreePort(options.ListenHost) : options.Port) : 0;
            return new LocalNodeInfo(sp.GetRequiredService<LocalNode>().Id, role, options.AdvertisedHost, port);
        });
        // A test cluster registers a shared in-memory table first; everyone else gets PostgreSQL.
        services.TryAddSingleton<PostgresDataSources>();
        services.TryAddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(sp.GetRequiredService<IOptions<ClusterOptions>>(), sp.GetRequiredService<PostgresDataSources>()));
        services.AddSingleton<MembershipAgent>();
        services.AddSingleton<IClusterMembershipService>(sp => sp.GetRequiredService<MembershipAgent>());
        services.AddSingleton(sp => new ConnectionManager(
            new NodeIdentity(sp.GetRequiredService<LocalNodeInfo>().NodeId, role == NodeRole.Silo ? NodeIdentity.SiloRole : NodeIdentity.GatewayRole),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
            sp.GetRequiredService<IOptions<NetworkingOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConnectionManager>>()));
        services.AddSingleton<ExceptionCodec>();
        services.AddSingleton<MessageCodec>();
        services.AddSingleton<ClusterMessageRouter>();
        services.AddSingleton<ClusterHealthMonitor>();
        services.Replace(ServiceDescriptor.Singleton<IMessageRouter>(sp => sp.GetRequiredService<ClusterMessageRouter>()));
        // Registered after the silo's own hosted service: it starts once storage is ready and stops (drains) first.
        services.AddHostedService<ClusterNode>();
        return builder;
    }

    private static int FreePort(string host)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(host), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

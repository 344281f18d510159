using Im.Orleans.Gateway.Accounts;
using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Gateway.Health;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Grains.Storage;
using Im.Orleans.Grains.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>Registers the gateway's services: options, accounts, tokens, hub, observer, files, health.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddChatGateway(this IServiceCollection services, IConfiguration configuration, StorageSettings storage)
    {
        services.TryAddSingletonTimeProvider();
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddMetricsExport(configuration);
        services.AddOptions<DataOptions>().Bind(configuration.GetSection(DataOptions.SectionName));
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName));
        services.AddOptions<FileUploadOptions>().Bind(configuration.GetSection(FileUploadOptions.SectionName));
        services.AddWidgetCors(configuration);
        services.AddOptions<SendRateLimitOptions>().Bind(configuration.GetSection(SendRateLimitOptions.SectionName));
        services.AddOptions<GatewayAffinityOptions>().Bind(configuration.GetSection(GatewayAffinityOptions.SectionName))
            .Validate(o => o.IsValid(), "Gateway:Name may hold only letters, digits, '-' and '_' (at most 64).")
            .ValidateOnStart();
        services.AddOptions<ChatHubOptions>().Bind(configuration.GetSection(ChatHubOptions.SectionName))
            .Validate(o => o.Validate() is null, "Invalid Hub options: keep-alive must be positive and the client timeout at least twice the keep-alive.")
            .ValidateOnStart();

        services.TryAddSingleton<PostgresDataSources>();
        services.AddSingleton<IAccountStore>(sp => new SqlAccountStore(ConnectionFactory(storage, sp)));
        services.AddSignInProtection(configuration);
        services.AddOptions<ForwardedHeadersSettings>().Bind(configuration.GetSection(ForwardedHeadersSettings.SectionName))
            .Validate(o => o.Validate() is null, "Invalid ForwardedHeaders settings: proxies must be IP addresses, networks CIDR, ForwardLimit at least 1.")
            .ValidateOnStart();
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>, ForwardedHeadersSetup>();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ChatJwtBearer>();
        services.AddAuthentication(ChatJwtBearer.Scheme).AddJwtBearer();
        services.AddAuthorization(o => o.AddOperatorPolicy());

        services.TryAddSingleton(_ => ConnectionLimits.From(configuration));
        services.AddSingleton<ConnectionRefusals>();
        services.AddHostedService<ConnectionRefusalLog>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddOptions<GatewayLivenessOptions>().Bind(configuration.GetSection(GatewayLivenessOptions.Section));
        services.AddSingleton(sp => new GatewayIdentity(sp.GetRequiredService<IOptions<GatewayAffinityOptions>>().Value.Name));
        services.AddSingleton<GatewayObserver>();
        services.AddSingleton<GatewayObserverReference>();
        services.AddSingleton<SendRateLimiter>();
        // Files follow the account store: in PostgreSQL whenever the gateway's storage is, so any gateway serves any upload.
        if (storage.UsePostgres) services.AddSingleton<IFileStore>(sp => new PostgresFileStore(storage.PostgresConnectionString!, sp.GetRequiredService<PostgresDataSources>()));
        else services.AddSingleton<IFileStore, DiskFileStore>();
        services.AddSingleton<ConnectionRefreshService>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionRefreshService>());
        services.AddHostedService<GatewayHeartbeatService>();
        services.AddSingleton<IClusterConnectionStatusObserver, ClusterConnectionWatcher>();
        services.AddSingleton<SiloLossSignal>();
        services.AddSignalR(o =>
        {
            o.AddFilter<ChatHubFilter>();
            o.AddFilter<AgentActivityFilter>();
        }).AddJsonProtocol();
        // Registered after the stock JSON protocol, so it wins the "json" name: errors go out as "code: message".
        services.AddSingleton<IHubProtocol, CodedJsonHubProtocol>();
        // For clients that ask for "messagepack" (mobile): the same shapes and coded errors, in binary. JSON stays the default.
        services.AddSingleton<IHubProtocol, CodedMessagePackHubProtocol>();
        services.AddSingleton<ChatHubFilter>();
        // Replaces the stock in-memory manager (same behaviour) so pushes find their connections by id.
        services.AddSingleton<ChatHubLifetimeManager>();
        services.AddSingleton<HubLifetimeManager<ChatHub>>(sp => sp.GetRequiredService<ChatHubLifetimeManager>());
        services.AddSingleton<IConfigureOptions<HubOptions>, ChatHubOptionsSetup>();
        // The chat hub's connection handler as SignalR registers it, but without an error line per refused connection.
        services.AddSingleton(RefusalLogFilter.CreateHandler);

        // Minimal APIs throw on malformed bodies (instead of a silent 400) so ClientErrorMiddleware can say why.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Grains.ChatJsonContext.Default));
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    private static Func<System.Data.Common.DbConnection> ConnectionFactory(StorageSettings storage, IServiceProvider services)
    {
        if (storage.UsePostgres) return services.GetRequiredService<PostgresDataSources>().Get(storage.PostgresConnectionString!).CreateConnection;
        var file = Path.Combine(services.GetRequiredService<IOptions<DataOptions>>().Value.EnsureFullPath(), "accounts.db");
        // Password hashes: created private before SQLite opens it, which would make it 644 under the usual umask.
        PrivateFiles.EnsureFile(file);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
        return () => new SqliteConnection(connectionString);
    }
}

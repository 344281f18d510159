using Im.Orleans.Gateway.Auth;
using Im.Orleans.Gateway.Desks;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Gateway.Health;
using Im.Orleans.Gateway.Hubs;
using Im.Orleans.Grains;
using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.AspNetCore.Http.Connections;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Builds the gateway: the embedded default co-hosts a silo (SQLite under the data directory); with
/// Storage:Postgres:ConnectionString the silo's state, the message log and accounts move to PostgreSQL; with
/// Cluster:ConnectionString it is an Orleans client of the cluster's silos (src/Silo) and hosts no grains.
/// Program.cs and the integration tests both start it through here.
/// </summary>
public static class GatewayApp
{
    /// <summary>Largest JSON body accepted by REST endpoints; uploads raise it per request.</summary>
    private const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplication Create(string[] args)
    {
        // The content root is the build output, which carries wwwroot and appsettings.json, so the app starts the
        // same from any working directory; the data directory stays relative to the working directory (./data).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Client sockets stay below the open-file limit (Limits:*): a gateway out of file descriptors cannot even refuse.
        var connectionLimits = ConnectionLimits.From(builder.Configuration);
        builder.Services.AddSingleton(connectionLimits);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            connectionLimits.ApplyTo(k.Limits);
        });
        // Kestrel warns once per socket it drops at its connection limit; ConnectionRefusalLog sums those instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Error);

        var storage = StorageSettings.From(builder.Configuration);
        var dataDirectory = builder.Configuration.GetSection(DataOptions.SectionName).Get<DataOptions>() ?? new DataOptions();
        var dataPath = dataDirectory.EnsureFullPath();
        // A data folder an older version (or a loose umask) left readable by other users is closed before anything opens it.
        var stillOpen = PrivateFiles.Tighten(dataPath);
        // With Cluster:ConnectionString this gateway is a cluster client: the grains live on the silos (src/Silo).
        if (storage.IsClusterClient) builder.UseOrleansClient(client => ConfigureClient(client, builder.Configuration));
        else builder.UseOrleans(silo => ConfigureSilo(silo, storage, dataPath, builder.Configuration));
        builder.Services.AddChatGateway(builder.Configuration, storage);
        // After the co-hosted silo's registration, so the seed starts once the grains can be called.
        DemoSeed.AddTo(builder.Services, builder.Configuration, storage);

        var app = builder.Build();
        foreach (var entry in stillOpen) app.Logger.LogWarning("Could not make {Entry} private to this user", entry);
        // First: only a trusted proxy's X-Forwarded-For/-Proto name the client (ForwardedHeadersSettings).
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<AffinityCookieMiddleware>();
        // Statuses the framework answers with no body (404, 405, 413, 415 ...) get the JSON error body too.
        app.UseStatusCodePages(ErrorStatusPages.WriteAsync);
        app.UseMiddleware<ClientErrorMiddleware>();
        // Cross-origin access for the visitor widget's host sites only (Widget:AllowedOrigins).
        app.UseWidgetCors();
        // Before static files, auth and SignalR: at the cap a new hub connection costs as little as possible.
        app.UseWebSockets();
        app.UseMiddleware<HubConnectionGate>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAuthEndpoints();
        app.MapFileEndpoints();
        app.MapDeskEndpoints();
        app.MapHealthEndpoints();
        app.MapMetricsExport();
        if (OperatorDashboard.IsEnabled(builder.Configuration)) app.MapOperatorDashboard();
        app.MapHub<ChatHub>("/hubs/chat", o =>
        {
            o.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
            // Hub frames are bounded by MaximumReceiveMessageSize; bound the transport buffers to match.
            o.ApplicationMaxBufferSize = 64 * 1024;
            o.TransportMaxBufferSize = 64 * 1024;
        });
        return app;
    }

    private static void ConfigureClient(IClientBuilder client, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        cluster.ConfigureClient(client);
        client.UseChatClusteringInPostgres(cluster.ConnectionString!);
        if (OperatorDashboard.IsEnabled(configuration)) client.AddDashboard();
    }

    private static void ConfigureSilo(ISiloBuilder silo, StorageSettings storage, string dataPath, IConfiguration configuration)
    {
        var embedded = configuration.GetSection(EmbeddedSiloOptions.SectionName).Get<EmbeddedSiloOptions>() ?? new EmbeddedSiloOptions();
        silo.UseLocalhostClustering(embedded.ResolveSiloPort(), embedded.GatewayPort, serviceId: embedded.ServiceId, clusterId: "im-embedded");
        if (storage.UsePostgres) silo.AddChatStateInPostgres(storage.PostgresConnectionString!);
        else silo.AddChatStateInSqlite(Path.Combine(dataPath, "grains.db"));
        silo.AddChatGrains();
        // The message log follows the gateway's storage choice and data directory unless "Chat:MessageStore" says otherwise.
        silo.Services.PostConfigure<MessageStoreOptions>(o =>
        {
            if (storage.UsePostgres && !o.UsesPostgres) o.PostgresConnectionString = storage.PostgresConnectionString;
            if (!configuration.GetSection(MessageStoreOptions.Section).GetChildren().Any(c => c.Key == nameof(MessageStoreOptions.DataDirectory)))
                o.DataDirectory = dataPath;
        });
        if (OperatorDashboard.IsEnabled(configuration)) silo.AddDashboard();
    }
}

using System.Text.Json.Serialization;
using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Dashboard;

namespace Im.Orleans.Silo.Hosting;

/// <summary>
/// Builds a cluster silo: membership, grain state and the message log on PostgreSQL, HTTP only for health. Scaling
/// out is starting another one with the same Cluster settings and its own Cluster:Port / AdvertisedHost.
/// </summary>
internal static class SiloApp
{
    /// <summary>The app, or null (after one log line naming the missing setting) when no database is configured.</summary>
    public static WebApplication? Create(string[] args)
    {
        // The content root is the build output, which carries appsettings.json, so the silo starts the same from any
        // working directory (a container, scripts/cluster.sh, dotnet run).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var storage = SiloStorageSettings.From(builder.Configuration);
        if (storage is null)
        {
            ReportMissingDatabase(builder.Configuration);
            return null;
        }

        builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.SectionName))
            .Validate(o => o.ShutdownTimeout > TimeSpan.Zero, "Silo:ShutdownTimeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<SiloOptions>>((host, silo) => host.ShutdownTimeout = silo.Value.ShutdownTimeout);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(storage.StorageConnectionString));
        builder.Services.AddSingleton<SiloReadiness>();
        // Health bodies leave out what a probe did not check, so /health/live is just {"status":"live"}.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        var cluster = ClusterSettings.From(builder.Configuration);
        builder.UseOrleans(silo => ConfigureSilo(silo, cluster, storage));

        var app = builder.Build();
        app.MapSiloHealth();
        return app;
    }

    private static void ConfigureSilo(ISiloBuilder silo, ClusterSettings cluster, SiloStorageSettings storage)
    {
        cluster.ConfigureSilo(silo);
        silo.UseChatClusteringInPostgres(storage.ClusterConnectionString);
        silo.AddChatStateInPostgres(storage.StorageConnectionString);
        silo.AddChatGrains();
        // The dashboard's grains and counters; gateways serve its pages ("Dashboard:Enabled", as on the gateways).
        if (silo.Configuration.GetValue("Dashboard:Enabled", true)) silo.AddDashboard();
        // A silo keeps no files: the message log always goes to PostgreSQL, unless Chat:MessageStore names another one.
        silo.Services.PostConfigure<MessageStoreOptions>(o =>
        {
            if (!o.UsesPostgres) o.PostgresConnectionString = storage.StorageConnectionString;
        });
    }

    private static void ReportMissingDatabase(IConfiguration configuration)
    {
        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddConsole());
        loggers.CreateLogger(typeof(SiloApp).FullName!).LogCritical(
            "No database configured: set {ClusterKey} (environment variable Cluster__ConnectionString) to a PostgreSQL connection string",
            SiloStorageSettings.ClusterKey);
    }
}

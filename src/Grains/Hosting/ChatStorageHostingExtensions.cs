using Im.Orleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Hosting;

/// <summary>
/// Orleans' ADO.NET providers on our schema: grain state in PostgreSQL (cluster) or SQLite (embedded default), and
/// membership in PostgreSQL. Each creates its tables and queries before the provider first reads them.
/// </summary>
public static class ChatStorageHostingExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>The ADO.NET invariant Orleans maps to Microsoft.Data.Sqlite (the name "Microsoft.Data.Sqlite" fails at start-up).</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>Grain state in PostgreSQL through Orleans' ADO.NET storage, as the default provider.</summary>
    public static ISiloBuilder AddChatStateInPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return silo.AddChatState(PostgresInvariant, connectionString, OrleansSchema.EnsurePostgresAsync);
    }

    /// <summary>Grain state in a SQLite file through Orleans' ADO.NET storage, as the default provider (single process only).</summary>
    public static ISiloBuilder AddChatStateInSqlite(this ISiloBuilder silo, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        // Created private now, before Orleans' provider or the schema opens it: SQLite would create it with the
        // umask's mode (644 typically), and its -wal and -shm files take the database file's mode.
        PrivateFiles.EnsureFile(databasePath);
        return silo.AddChatState(SqliteInvariant, $"Data Source={databasePath};Pooling=True;Default Timeout=30", OrleansSchema.EnsureSqliteAsync);
    }

    /// <summary>Membership in PostgreSQL through Orleans' ADO.NET clustering.</summary>
    public static ISiloBuilder UseChatClusteringInPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.Services.AddSchemaStartup(connectionString, OrleansSchema.EnsurePostgresAsync);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        return silo;
    }

    /// <summary>A cluster client (a gateway) that finds the silos' gateway endpoints in the PostgreSQL membership table.</summary>
    public static IClientBuilder UseChatClusteringInPostgres(this IClientBuilder client, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        client.Services.AddSchemaStartup(connectionString, OrleansSchema.EnsurePostgresAsync);
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = connectionString;
        });
        // A silo that joins is used within seconds instead of Orleans' default minute.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        return client;
    }

    private static ISiloBuilder AddChatState(this ISiloBuilder silo, string invariant, string connectionString, Func<string, CancellationToken, Task> ensureSchema)
    {
        silo.Services.AddSchemaStartup(connectionString, ensureSchema);
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = GrainStateJson.Serializer;
        });
        return silo;
    }

    private static void AddSchemaStartup(this IServiceCollection services, string connectionString, Func<string, CancellationToken, Task> ensure)
    {
        // One per database, however many providers share it.
        var key = $"{ensure.Method.Name}:{connectionString}";
        if (services.Any(d => d.ServiceType == typeof(OrleansSchemaStartup) && Equals(d.ServiceKey, key))) return;
        services.AddKeyedSingleton(key, (sp, _) => new OrleansSchemaStartup(ct => ensure(connectionString, ct), sp.GetRequiredService<ILogger<OrleansSchemaStartup>>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredKeyedService<OrleansSchemaStartup>(key));
        services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(sp => sp.GetRequiredKeyedService<OrleansSchemaStartup>(key));
    }
}

using Im.Orleans.Serialization;
using Im.Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Hosting;

/// <summary>Registers grain storage providers as keyed <see cref="IGrainStorage"/> singletons on a silo.</summary>
public static class GrainStorageHostingExtensions
{
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder builder, string name = GrainStorageNames.Default)
    {
        CheckName(builder, name);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new MemoryGrainStorage(name, sp.GetRequiredService<GrainSerializer>()));
        return builder;
    }

    public static ISiloBuilder AddMemoryGrainStorageAsDefault(this ISiloBuilder builder) =>
        builder.AddMemoryGrainStorage(GrainStorageNames.Default);

    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        CheckName(builder, name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new SqliteGrainStorage(
            name,
            sp.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(name),
            sp.GetRequiredService<GrainSerializer>(),
            sp.GetService<ILogger<SqliteGrainStorage>>()));
        AddStartupTask(builder, name);
        return builder;
    }

    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder, Action<SqliteGrainStorageOptions> configure) =>
        builder.AddSqliteGrainStorage(GrainStorageNames.Default, configure);

    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, Action<PostgresGrainStorageOptions> configure)
    {
        CheckName(builder, name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PostgresGrainStorageOptions>(name).Configure(configure);
        builder.Services.TryAddSingleton<PostgresDataSources>();
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new PostgresGrainStorage(
            name,
            sp.GetRequiredService<IOptionsMonitor<PostgresGrainStorageOptions>>().Get(name),
            sp.GetRequiredService<GrainSerializer>(),
            sp.GetRequiredService<PostgresDataSources>(),
            sp.GetService<ILogger<PostgresGrainStorage>>()));
        AddStartupTask(builder, name);
        return builder;
    }

    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder builder, Action<PostgresGrainStorageOptions> configure) =>
        builder.AddPostgresGrainStorage(GrainStorageNames.Default, configure);

    // Schema creation runs at silo start through the same instance the grains use.
    private static void AddStartupTask(ISiloBuilder builder, string name) =>
        builder.Services.AddSingleton<IStartupTask>(sp => (IStartupTask)sp.GetRequiredKeyedService<IGrainStorage>(name));

    // A second registration under one name would silently replace the first for grains but still run both
    // start-up tasks; refusing it surfaces the configuration mistake.
    private static void CheckName(ISiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.IsKeyedService && descriptor.ServiceType == typeof(IGrainStorage) && Equals(descriptor.ServiceKey, name))
                throw new InvalidOperationException($"A grain storage named '{name}' is already registered.");
        }
    }
}

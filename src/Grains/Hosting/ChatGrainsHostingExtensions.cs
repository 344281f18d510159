using Im.Orleans.Grains.Desks.Audit;
using Im.Orleans.Grains.Gateways;
using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Messages.Search;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.People;
using Im.Orleans.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Im.Orleans.Grains.Hosting;

/// <summary>Adds the chat grains to a silo: message store, user directory, desk audit log, options (section "Chat") and the gateway loss watcher.</summary>
public static class ChatGrainsHostingExtensions
{
    /// <summary>
    /// Registers the message store (PostgreSQL when Chat:MessageStore:PostgresConnectionString is set, else SQLite
    /// under Chat:MessageStore:DataDirectory) and binds Chat:Conversations, Chat:Users, Chat:MessageStore,
    /// Chat:Gateways and Chat:Desks. <paramref name="configuration"/> is the configuration root holding the "Chat" section; it
    /// defaults to the silo's configuration.
    /// </summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        configuration ??= silo.Configuration;
        var services = silo.Services;
        services.AddOptions<ConversationOptions>().Bind(configuration.GetSection(ConversationOptions.Section));
        services.AddOptions<UserOptions>().Bind(configuration.GetSection(UserOptions.Section));
        services.AddOptions<MessageStoreOptions>().Bind(configuration.GetSection(MessageStoreOptions.Section));
        services.AddOptions<GatewayLivenessOptions>().Bind(configuration.GetSection(GatewayLivenessOptions.Section));
        services.AddOptions<DeskOptions>().Bind(configuration.GetSection(DeskOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayConnectionIndex>();
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        services.TryAddSingleton<GatewayLossWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<GatewayLossWatcher>());
        silo.AddStartupTask((sp, cancellationToken) => sp.GetRequiredService<IMessageStore>().InitializeAsync(cancellationToken));
        silo.AddStartupTask((sp, cancellationToken) => sp.GetRequiredService<IUserDirectory>().InitializeAsync(cancellationToken));
        silo.AddStartupTask((sp, cancellationToken) => sp.GetRequiredService<IAuditLog>().InitializeAsync(cancellationToken));
        silo.AddStartupTask((sp, cancellationToken) => sp.GetRequiredService<IMessageSearch>().InitializeAsync(cancellationToken));
        MessageSearchRegistration.AddMessageSearch(services);

        // A store registered before (a test's in-memory one) wins, and the directory then lives in memory beside it.
        if (services.Any(d => d.ServiceType == typeof(IMessageStore)))
        {
            services.TryAddSingleton<IUserDirectory, MemoryUserDirectory>();
            services.TryAddSingleton<IAuditLog, MemoryAuditLog>();
            return silo;
        }
        services.TryAddSingleton<PostgresDataSources>();
        services.TryAddSingleton<IMessageStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MessageStoreOptions>>().Value;
            return options.UsesPostgres
                ? new PostgresMessageStore(options.PostgresConnectionString!, sp.GetRequiredService<PostgresDataSources>(), options.GroupCommit)
                : new SqliteMessageStore(options);
        });
        // The directory of users sits beside the message log: the same PostgreSQL database or SQLite file.
        services.TryAddSingleton<IUserDirectory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MessageStoreOptions>>().Value;
            return options.UsesPostgres
                ? new PostgresUserDirectory(options.PostgresConnectionString!, sp.GetRequiredService<PostgresDataSources>())
                : new SqliteUserDirectory(options);
        });
        // So is the desks' audit log.
        services.TryAddSingleton<IAuditLog>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MessageStoreOptions>>().Value;
            return options.UsesPostgres
                ? new PostgresAuditLog(options.PostgresConnectionString!, sp.GetRequiredService<PostgresDataSources>())
                : new SqliteAuditLog(options);
        });
        return silo;
    }

    /// <summary>Same as <see cref="AddChatGrains(ISiloBuilder, IConfiguration?)"/> with a given in-process message store.</summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo, IMessageStore store, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(store);
        silo.Services.AddSingleton(store);
        return silo.AddChatGrains(configuration);
    }
}

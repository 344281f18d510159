using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Grains.Messages.Search;

/// <summary>The message search beside whichever message store the silo has.</summary>
internal static class MessageSearchRegistration
{
    public static void AddMessageSearch(IServiceCollection services)
    {
        services.TryAddSingleton<IMessageSearch>(sp =>
        {
            var store = sp.GetRequiredService<IMessageStore>();
            var options = sp.GetRequiredService<IOptions<MessageStoreOptions>>().Value;
            return store switch
            {
                SqliteMessageStore => new SqliteMessageSearch(options, store, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteMessageSearch>>()),
                PostgresMessageStore => new PostgresMessageSearch(options.PostgresConnectionString!, store, sp.GetRequiredService<PostgresDataSources>()),
                _ => new ScanMessageSearch(store),
            };
        });
    }
}

using Im.Orleans.Hosting;
using Im.Orleans.Runtime.Tests.Grains;
using Im.Orleans.Storage;
using Im.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Im.Orleans.Runtime.Tests;

/// <summary>Grains on the real database providers, hosted the way the gateway and silo host them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PersistenceTests(PostgresServer postgres)
{
    [Fact]
    public async Task State_written_on_SQLite_survives_a_restart_of_the_host()
    {
        var directory = Directory.CreateTempSubdirectory("imorleans-sqlite-");
        try
        {
            var file = Path.Combine(directory.FullName, "grains.db");
            await using (var first = await StartAsync(silo => silo.AddSqliteGrainStorageAsDefault(o => o.DataSource = file)))
            {
                await Grain(first, "persisted").AddAndSave(40);
                await Grain(first, "persisted").AddAndSave(2);
            }

            await using var second = await StartAsync(silo => silo.AddSqliteGrainStorageAsDefault(o => o.DataSource = file));
            Assert.Equal(42, await Grain(second, "persisted").Get());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task State_written_on_PostgreSQL_survives_a_restart_of_the_host()
    {
        var connectionString = await postgres.CreateDatabaseAsync("persist_restart");
        await using (var first = await StartAsync(silo => silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString)))
        {
            await Grain(first, "pg").AddAndSave(7);
        }

        await using var second = await StartAsync(silo => silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString));
        Assert.Equal(7, await Grain(second, "pg").Get());
    }

    [Fact]
    public async Task Two_silos_holding_the_same_grain_cannot_overwrite_each_other()
    {
        // What a split view in a cluster looks like: two activations of one grain on one database.
        var connectionString = await postgres.CreateDatabaseAsync("persist_race");
        await using var left = await StartAsync(silo => silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString));
        await using var right = await StartAsync(silo => silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString));

        Assert.Equal(1, await Grain(left, "contested").AddAndSave(1));
        Assert.Equal(10, await Grain(right, "contested").AddAndSave(9));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Grain(left, "contested").AddAndSave(100));

        // The stale activation was dropped; the next call re-reads what the other silo stored.
        Assert.Equal(10, await Grain(left, "contested").Get());
        Assert.Equal(11, await Grain(left, "contested").AddAndSave(1));
    }

    private static ICounterGrain Grain(IHost host, string key) => host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key);

    private static async Task<HostHandle> StartAsync(Action<ISiloBuilder> storage)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<ActivationLog>();
        builder.UseOrleans(silo =>
        {
            silo.AddJsonTypeInfoResolver(TestJsonContext.Default);
            storage(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new HostHandle(host);
    }

    /// <summary>Stops the host gracefully on dispose, as a SIGTERM would.</summary>
    private sealed class HostHandle(IHost host) : IHost, IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;
        public Task StartAsync(CancellationToken cancellationToken = default) => host.StartAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken = default) => host.StopAsync(cancellationToken);
        public void Dispose() => host.Dispose();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}

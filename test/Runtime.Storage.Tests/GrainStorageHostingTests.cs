using Im.Orleans.Hosting;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Im.Orleans.Storage.Tests;

/// <summary>The ISiloBuilder extensions register working, named providers and their start-up tasks.</summary>
public sealed class GrainStorageHostingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imorleans-hosting-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Memory_storage_as_default_is_resolvable_under_the_default_name()
    {
        await using var services = Build(b => b.AddMemoryGrainStorageAsDefault());

        var storage = services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);

        Assert.IsType<MemoryGrainStorage>(storage);
        Assert.Empty(services.GetServices<IStartupTask>());
        await WriteAndReadAsync(storage);
    }

    [Fact]
    public async Task Sqlite_storage_is_keyed_by_name_and_its_startup_task_creates_the_database()
    {
        var file = Path.Combine(_directory, "db", "grains.db");
        await using var services = Build(b => b
            .AddMemoryGrainStorageAsDefault()
            .AddSqliteGrainStorage("durable", o => o.DataSource = file));

        var storage = services.GetRequiredKeyedService<IGrainStorage>("durable");
        var task = Assert.Single(services.GetServices<IStartupTask>());
        await task.Execute(CancellationToken.None);

        Assert.Same(storage, task);
        Assert.IsType<SqliteGrainStorage>(storage);
        Assert.True(File.Exists(file));
        await WriteAndReadAsync(storage);
    }

    [Fact]
    public async Task Sqlite_startup_task_fails_clearly_when_the_database_cannot_be_created()
    {
        var blocker = Path.Combine(_directory, "file");
        await File.WriteAllTextAsync(blocker, "");
        await using var services = Build(b => b.AddSqliteGrainStorageAsDefault(o => o.DataSource = Path.Combine(blocker, "grains.db")));

        var task = Assert.Single(services.GetServices<IStartupTask>());
        var e = await Assert.ThrowsAsync<GrainStorageException>(() => task.Execute(CancellationToken.None));

        Assert.Contains(GrainStorageNames.Default, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_sqlite_data_source_is_a_clear_options_error()
    {
        await using var services = Build(b => b.AddSqliteGrainStorage("nowhere", _ => { }));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredKeyedService<IGrainStorage>("nowhere"));

        Assert.Contains("'nowhere'", e.Message, StringComparison.Ordinal);
        Assert.Contains("DataSource", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_postgres_connection_string_is_a_clear_options_error()
    {
        await using var services = Build(b => b.AddPostgresGrainStorageAsDefault(_ => { }));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));

        Assert.Contains("ConnectionString", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_storage_registers_a_startup_task()
    {
        await using var services = Build(b => b.AddPostgresGrainStorage("pg", o => o.ConnectionString = "Host=127.0.0.1;Port=1;Timeout=3"));

        Assert.IsType<PostgresGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>("pg"));
        Assert.IsType<PostgresGrainStorage>(Assert.Single(services.GetServices<IStartupTask>()));
    }

    [Fact]
    public void Registering_two_providers_under_one_name_is_refused()
    {
        var builder = new TestSiloBuilder();
        builder.AddMemoryGrainStorage("twice");

        var e = Assert.Throws<InvalidOperationException>(() => builder.AddSqliteGrainStorage("twice", o => o.DataSource = "x.db"));

        Assert.Contains("'twice'", e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Action<ISiloBuilder> configure)
    {
        var builder = new TestSiloBuilder();
        builder.Services.AddSingleton<GrainSerializer>(_ => TestSerialization.CreateSerializer());
        configure(builder);
        return builder.Services.BuildServiceProvider(validateScopes: true);
    }

    private static async Task WriteAndReadAsync(IGrainStorage storage)
    {
        var grainId = new GrainId("hosting", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync("s", grainId, new GrainState<TestState>(new TestState { Name = "hosted" }));
        var read = new GrainState<TestState>(null!);
        await storage.ReadStateAsync("s", grainId, read);
        Assert.Equal("hosted", read.State.Name);
    }
}

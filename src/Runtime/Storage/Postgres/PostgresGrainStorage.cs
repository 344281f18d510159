using System.Text;
using Im.Orleans.Hosting;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Im.Orleans.Storage;

/// <summary>Grain storage in a PostgreSQL table, through a pooled <see cref="NpgsqlDataSource"/>.</summary>
public sealed class PostgresGrainStorage : PostgresStore, IGrainStorage, IStartupTask, IStateRecordStore
{
    private readonly VersionedStateOperations _operations;
    private readonly ILogger? _logger;

    /// <summary>A storage with its own pool, disposed with it.</summary>
    public PostgresGrainStorage(string name, PostgresGrainStorageOptions options, GrainSerializer serializer, ILogger<PostgresGrainStorage>? logger = null)
        : this(name, options, serializer, null, logger)
    {
    }

    /// <summary>A storage on the process's shared pool for its connection string (see <see cref="PostgresDataSources"/>).</summary>
    public PostgresGrainStorage(string name, PostgresGrainStorageOptions options, GrainSerializer serializer, PostgresDataSources? shared, ILogger<PostgresGrainStorage>? logger = null)
        : base(ValidConnectionString(name, options), shared, PostgresStorageSql.CreateSchema)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        _logger = logger;
        _operations = new VersionedStateOperations(name, serializer, this);
    }

    public string Name => _operations.ProviderName;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.ReadAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.WriteAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _operations.ClearAsync(stateName, grainId, grainState);

    /// <summary>Creates the schema at silo start so an unreachable database fails the start, not the first grain call.</summary>
    public async Task Execute(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GrainStorageException($"Grain storage '{Name}' could not create its schema: {e.Message}", e);
        }
    }

    async Task<StateRecord?> IStateRecordStore.ReadAsync(GrainId grainId, string stateName)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = CreateCommand(PostgresStorageSql.Read, grainId, stateName);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false)) return null;
        var payload = await reader.IsDBNullAsync(1).ConfigureAwait(false) ? null : Encoding.UTF8.GetBytes(reader.GetString(1));
        return new StateRecord(reader.GetInt64(0), payload);
    }

    async Task<bool> IStateRecordStore.TryInsertAsync(GrainId grainId, string stateName, byte[]? payload)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = CreateCommand(PostgresStorageSql.Insert, grainId, stateName);
        command.Parameters.Add(PayloadParameter(payload));
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
    }

    async Task<bool> IStateRecordStore.TryUpdateAsync(GrainId grainId, string stateName, long expectedVersion, long newVersion, byte[]? payload)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var command = CreateCommand(PostgresStorageSql.Update, grainId, stateName);
        command.Parameters.Add(PayloadParameter(payload));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = newVersion });
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
    }

    protected override async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await base.CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (_logger?.IsEnabled(LogLevel.Debug) == true)
            _logger.LogDebug("Grain storage {Name} ensured schema version {Version}", Name, PostgresStorageSql.SchemaVersion);
    }

    private static string ValidConnectionString(string name, PostgresGrainStorageOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);
        return options.ConnectionString!;
    }

    private NpgsqlCommand CreateCommand(string sql, GrainId grainId, string stateName)
    {
        var command = DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        return command;
    }

    private static NpgsqlParameter PayloadParameter(byte[]? payload) => payload is null
        ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value }
        : new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = Encoding.UTF8.GetString(payload) };
}

using Im.Orleans.Configuration;
using Im.Orleans.Runtime;
using Microsoft.Extensions.Options;
using Im.Orleans.Storage;
using Npgsql;

namespace Im.Orleans.Membership;

/// <summary>The membership table in PostgreSQL (table im_membership), through a pooled <see cref="NpgsqlDataSource"/>.</summary>
internal sealed class PostgresMembershipTable : IMembershipTable, IAsyncDisposable
{
    private readonly PostgresDataSourceLease _lease;
    private readonly string _clusterId;

    /// <summary>
    /// Uses <see cref="ClusterOptions.ConnectionString"/> and <see cref="ClusterOptions.ClusterId"/>, on the process's
    /// shared pool when <paramref name="shared"/> is given, else on a data source of its own.
    /// </summary>
    public PostgresMembershipTable(IOptions<ClusterOptions> options, PostgresDataSources? shared = null)
    {
        var value = options.Value;
        value.Validate();
        if (!value.IsClusterMode) throw new OptionsValidationException(ClusterOptions.SectionName, typeof(ClusterOptions), ["The PostgreSQL membership table needs Cluster:ConnectionString."]);
        _lease = PostgresDataSourceLease.For(value.ConnectionString!, shared);
        _clusterId = value.ClusterId;
    }

    /// <summary>Uses a data source owned by the caller.</summary>
    public PostgresMembershipTable(NpgsqlDataSource dataSource, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        _lease = PostgresDataSourceLease.Borrow(dataSource);
        _clusterId = clusterId;
    }

    private NpgsqlDataSource DataSource => _lease.Source;

    public Task InitializeAsync(CancellationToken ct) => PostgresSchema.CreateAsync(DataSource, PostgresMembershipSql.CreateSchema, ct);

    public async Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken ct)
    {
        await using var command = CreateCommand(PostgresMembershipSql.ReadAll);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var entries = new List<MembershipEntry>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            entries.Add(new MembershipEntry(
                NodeId: reader.GetString(0),
                Role: (NodeRole)reader.GetInt16(1),
                Host: reader.GetString(2),
                Port: reader.GetInt32(3),
                Status: (SiloStatus)reader.GetInt16(4),
                StartedAt: reader.GetFieldValue<DateTimeOffset>(5),
                IAmAliveAt: reader.GetFieldValue<DateTimeOffset>(6),
                Version: reader.GetInt32(7)));
        }

        return entries;
    }

    public async Task InsertAsync(MembershipEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = CreateCommand(PostgresMembershipSql.Insert);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.NodeId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)entry.Role });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Host });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.Port });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = entry.StartedAt.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> TryUpdateStatusAsync(string nodeId, SiloStatus status, int expectedVersion, CancellationToken ct)
    {
        await using var command = CreateCommand(PostgresMembershipSql.UpdateStatus);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = expectedVersion });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public async Task<bool> HeartbeatAsync(string nodeId, CancellationToken ct)
    {
        await using var command = CreateCommand(PostgresMembershipSql.Heartbeat);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = nodeId });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public async Task<int> DeclareSilentDeadAsync(TimeSpan suspectAfter, TimeSpan confirmAfter, CancellationToken ct)
    {
        await using var command = CreateCommand(PostgresMembershipSql.DeclareSilentDead);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = suspectAfter });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = confirmAfter });
        return (int)(long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task<bool> VoteDeadAsync(string targetNodeId, string voterNodeId, DeathVoteRules rules, CancellationToken ct)
    {
        await using var batch = DataSource.CreateBatch();
        var vote = AddBatchCommand(batch, PostgresMembershipSql.Vote);
        vote.Parameters.Add(new NpgsqlParameter<string> { TypedValue = targetNodeId });
        vote.Parameters.Add(new NpgsqlParameter<string> { TypedValue = voterNodeId });
        var declare = AddBatchCommand(batch, PostgresMembershipSql.DeclareVotedDead);
        declare.Parameters.Add(new NpgsqlParameter<string> { TypedValue = targetNodeId });
        declare.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rules.VotesNeeded });
        declare.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = rules.VoterFreshness });
        declare.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = rules.MinSilence });
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return declare.RecordsAffected == 1;
    }

    public async Task<int> DeleteDeadOlderThanAsync(TimeSpan age, CancellationToken ct)
    {
        await ExecuteWithIntervalAsync(PostgresMembershipSql.DeleteOldVotes, age, ct).ConfigureAwait(false);
        return await ExecuteWithIntervalAsync(PostgresMembershipSql.DeleteDeadOlderThan, age, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _lease.DisposeAsync();

    private async Task<int> ExecuteWithIntervalAsync(string sql, TimeSpan interval, CancellationToken ct)
    {
        await using var command = CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = interval });
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private NpgsqlBatchCommand AddBatchCommand(NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _clusterId });
        batch.BatchCommands.Add(command);
        return command;
    }

    private NpgsqlCommand CreateCommand(string sql)
    {
        var command = DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _clusterId });
        return command;
    }
}

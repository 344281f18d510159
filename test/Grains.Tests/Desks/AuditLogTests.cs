using Im.Orleans.Grains.Desks.Audit;
using Im.Orleans.Grains.Options;
using Im.Orleans.Testing;
using Xunit;

namespace Im.Orleans.Grains.Tests.Desks;

/// <summary>Each audit log store appends durably and pages newest first by desk, by actor and by time range.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditLogTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Stores => ["memory", "sqlite", "postgres"];

    private async Task<IAuditLog> CreateAsync(string kind, string? sqliteFolder = null)
    {
        IAuditLog log = kind switch
        {
            "memory" => new MemoryAuditLog(),
            "sqlite" => new SqliteAuditLog(new MessageStoreOptions { DataDirectory = sqliteFolder ?? NewFolder() }),
            _ => new PostgresAuditLog(await server.CreateDatabaseAsync("audit_" + Guid.NewGuid().ToString("N")[..12])),
        };
        await log.InitializeAsync(CancellationToken.None);
        return log;
    }

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "im-audit-" + Guid.NewGuid().ToString("N"));

    /// <summary>Twelve entries a minute apart: desks a/b alternate, actors ann/bob/system in turn.</summary>
    private static async Task<List<AuditEntry>> SeedAsync(IAuditLog log)
    {
        var actors = new[] { "ann", "bob", AuditActors.System };
        var stored = new List<AuditEntry>();
        for (var i = 0; i < 12; i++)
        {
            var entry = new AuditEntry(0, T0.AddMinutes(i), actors[i % 3], i % 2 == 0 ? "a" : "b", AuditActions.Assign, $"c{i}", i == 5 ? null : $"n{i}");
            stored.Add(await log.AppendAsync(entry));
        }
        return stored;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Entries_come_back_as_appended_newest_first_with_growing_ids(string kind)
    {
        var log = await CreateAsync(kind);
        var stored = await SeedAsync(log);
        Assert.True(stored.Zip(stored.Skip(1)).All(p => p.First.Id < p.Second.Id));

        var page = await log.QueryAsync(new AuditQuery(Limit: 100));
        Assert.Null(page.NextBeforeId);
        Assert.Equal(Enumerable.Reverse(stored), page.Entries);
        Assert.Null(page.Entries.Single(e => e.Target == "c5").Details);
        Dispose(log);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Queries_filter_by_desk_actor_and_time_and_page_without_gaps(string kind)
    {
        var log = await CreateAsync(kind);
        await SeedAsync(log);

        Assert.Equal(["c10", "c8", "c6", "c4", "c2", "c0"], await TargetsAsync(log, new AuditQuery(DeskId: "a")));
        Assert.Equal(["c10", "c7", "c4", "c1"], await TargetsAsync(log, new AuditQuery(Actor: "bob")));
        Assert.Equal(["c10", "c4"], await TargetsAsync(log, new AuditQuery(DeskId: "a", Actor: "bob")));
        // From inclusive, To exclusive.
        Assert.Equal(["c5", "c4", "c3"], await TargetsAsync(log, new AuditQuery(From: T0.AddMinutes(3), To: T0.AddMinutes(6))));
        Assert.Equal(["c8", "c5", "c2"], await TargetsAsync(log, new AuditQuery(Actor: AuditActors.System, To: T0.AddMinutes(10))));
        Assert.Empty(await TargetsAsync(log, new AuditQuery(DeskId: "nobody")));

        // Pages of five through desk b: 6 entries, so a full page with a cursor, then the last one without.
        var first = await log.QueryAsync(new AuditQuery(DeskId: "b", Limit: 5));
        Assert.Equal(["c11", "c9", "c7", "c5", "c3"], first.Entries.Select(e => e.Target));
        Assert.NotNull(first.NextBeforeId);
        var second = await log.QueryAsync(new AuditQuery(DeskId: "b", Limit: 5, BeforeId: first.NextBeforeId));
        Assert.Equal(["c1"], second.Entries.Select(e => e.Target));
        Assert.Null(second.NextBeforeId);
        Dispose(log);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Bad_queries_are_refused_invalid(string kind)
    {
        var log = await CreateAsync(kind);
        foreach (var bad in new[] { new AuditQuery(Limit: 0), new AuditQuery(Limit: AuditQuery.MaxLimit + 1), new AuditQuery(From: T0, To: T0.AddSeconds(-1)) })
        {
            var refused = await Assert.ThrowsAsync<ChatException>(() => log.QueryAsync(bad));
            Assert.Equal(ErrorCodes.Invalid, refused.Code);
        }
        Dispose(log);
    }

    [Fact]
    public async Task The_sqlite_log_survives_a_new_store_on_the_same_file()
    {
        var folder = NewFolder();
        var log = await CreateAsync("sqlite", folder);
        var stored = await SeedAsync(log);
        var reopened = await CreateAsync("sqlite", folder);
        Assert.Equal(Enumerable.Reverse(stored), (await reopened.QueryAsync(new AuditQuery(Limit: 20))).Entries);
    }

    private static async Task<IEnumerable<string>> TargetsAsync(IAuditLog log, AuditQuery query) =>
        (await log.QueryAsync(query)).Entries.Select(e => e.Target).ToList();

    private static void Dispose(IAuditLog log)
    {
        if (log is IDisposable disposable) disposable.Dispose();
    }
}

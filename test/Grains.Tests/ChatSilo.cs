using System.Collections.Concurrent;
using System.Diagnostics;
using Im.Orleans.Grains.Conversations;
using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Im.Orleans.Grains.Storage;
using Im.Orleans.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// One in-process Orleans silo with the chat grains, an in-memory message store, test grain storage, manual time
/// and optional option overrides; the test talks to it through the cluster client, as a gateway does.
/// </summary>
internal sealed class ChatSilo : IAsyncDisposable
{
    private const string InnerStorage = "test-memory";
    private static int s_nextId;

    private readonly ConcurrentDictionary<string, byte> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ObserverCapture> _gateways = [];
    private int _nextGateway;

    private ChatSilo(InProcessTestCluster cluster, MemoryMessageStore store, TestClock clock)
    {
        Cluster = cluster;
        Store = store;
        Clock = clock;
        Storage = cluster.GetSiloServiceProvider().GetRequiredService<TestGrainStorage>();
    }

    public InProcessTestCluster Cluster { get; }

    public MemoryMessageStore Store { get; }

    /// <summary>The silo's clock: grains and grain timers run on it; Orleans' own loops stay on real time.</summary>
    public TestClock Clock { get; }

    public TestGrainStorage Storage { get; }

    public static async Task<ChatSilo> StartAsync(Action<ConversationOptions>? conversations = null, Action<UserOptions>? users = null, Action<ISiloBuilder>? configure = null)
    {
        var store = new MemoryMessageStore();
        // Real "now" as the start, so times the grains store look like times.
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddChatGrains(store);
            if (conversations is not null) silo.Services.Configure(conversations);
            if (users is not null) silo.Services.Configure(users);

            // State is stored as production stores it (JSON through GrainStateJson), so it round-trips as in a database.
            silo.AddMemoryGrainStorage(InnerStorage, o => o.GrainStorageSerializer = GrainStateJson.Serializer);
            silo.Services.AddSingleton(sp => new TestGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<TestGrainStorage>());

            // Grains and grain timers get the manual clock; membership, messaging, collection and the other runtime
            // loops stay on real time, or advancing the clock would time out calls and declare the silo dead.
            silo.Services.AddSingleton<TimeProvider>(clock);
            silo.AddStartupTask((sp, _) =>
            {
                clock.Attach(sp.GetRequiredService<IGrainContextAccessor>());
                return Task.CompletedTask;
            });
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return new ChatSilo(cluster, store, clock);
    }

    /// <summary>An id no other test on this silo uses, so tests can share a silo: "alice" becomes "alice-17".</summary>
    public static string Id(string name) => $"{name}-{Interlocked.Increment(ref s_nextId)}";

    public static GrainId UserGrainId(string userId) => GrainId.Create("user", userId);

    public static GrainId ConversationGrainId(string conversationId) => GrainId.Create("conversation", conversationId);

    public IUserGrain User(string id)
    {
        _users.TryAdd(id, 0);
        return Cluster.Client.GetGrain<IUserGrain>(id);
    }

    public IConversationGrain Conversation(string id) => Cluster.Client.GetGrain<IConversationGrain>(id);

    public IConversationGrain Direct(string a, string b) => Conversation(ConversationIds.Direct(a, b));

    /// <summary>Gives users the profile every sign-in path stores, with their id as display name; conversations refuse ids that have none.</summary>
    public Task SignUpAsync(params string[] userIds) => Task.WhenAll(userIds.Select(id => User(id).SetProfile(id, null, "user")));

    /// <summary>Gives users the profile every sign-in path stores, through any grain factory.</summary>
    public static Task SignUpAsync(IGrainFactory grains, params string[] userIds) =>
        Task.WhenAll(userIds.Select(id => grains.GetGrain<IUserGrain>(id).SetProfile(id, null, "user")));

    /// <summary>A new stand-in gateway node with its own gateway id.</summary>
    public ObserverCapture CaptureGateway()
    {
        var gateway = new ObserverCapture($"gateway-{Interlocked.Increment(ref _nextGateway)}", Cluster.Client);
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>Connects a device of a user through a captured gateway observer.</summary>
    public async Task<ObserverCapture> ConnectAsync(string userId, string connectionId, ObserverCapture? gateway = null)
    {
        gateway ??= CaptureGateway();
        await User(userId).Connect(new ClientConnection(connectionId, gateway.GatewayId, gateway.Reference, "web"));
        return gateway;
    }

    /// <summary>A device's socket closes: its gateway stops reaching it and tells the user grain, as a real gateway does.</summary>
    public Task DisconnectAsync(string userId, string connectionId)
    {
        foreach (var gateway in _gateways) gateway.Close(connectionId);
        return User(userId).Disconnect(connectionId);
    }

    /// <summary>Moves the grains' time forward; the grain timer ticks it causes have run when this returns.</summary>
    public Task AdvanceAsync(TimeSpan total) => Clock.AdvanceAsync(total);

    /// <summary>
    /// Waits until what the last calls set off has arrived: first a round trip through every user grain this test
    /// touched (one-way calls already queued there run before it), then a quiet period in which no gateway gets a
    /// push and nothing is stored, so a late push (a duplicate included) has had its chance to arrive.
    /// </summary>
    public async Task QuiesceAsync()
    {
        var quietFor = TimeSpan.FromMilliseconds(150);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(_users.Keys.Select(id => Cluster.Client.GetGrain<IUserGrain>(id).GetPresence()));
        var seen = Activity();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < quietFor && clock.Elapsed < Eventually.Deadline)
        {
            await Task.Delay(25);
            var now = Activity();
            if (now == seen) continue;
            seen = now;
            quietSince = clock.Elapsed;
        }
    }

    /// <summary>Deactivates a grain (as idle collection would) so the next call activates it again from storage.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <summary>What a user grain has stored, or null when it never wrote.</summary>
    public Task<UserState?> UserStateAsync(string userId) => Storage.ReadAsync<UserState>("user", UserGrainId(userId));

    /// <summary>What a conversation grain has stored, or null when it never wrote.</summary>
    public Task<ConversationState?> ConversationStateAsync(string conversationId) => Storage.ReadAsync<ConversationState>("conversation", ConversationGrainId(conversationId));

    /// <summary>Replaces a user's stored state behind the live activation's back (see <see cref="TestGrainStorage.WriteBehindGrainAsync"/>).</summary>
    public Task WriteUserStateBehindGrainAsync(string userId, UserState state) => Storage.WriteBehindGrainAsync("user", UserGrainId(userId), state);

    public static SendCommand Text(string conversationId, string clientMsgId, string text = "hello") =>
        new(conversationId, clientMsgId, MessageKinds.Text, text);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();

    private long Activity() => _gateways.Sum(g => (long)g.Count) + Store.AppendCalls + Storage.Writes;
}

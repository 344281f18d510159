using Im.Orleans.Grains.Hosting;
using Im.Orleans.Grains.Messages;
using Im.Orleans.Grains.Options;
using Im.Orleans.Hosting;
using Im.Orleans.TestKit;

namespace Im.Orleans.Grains.Tests;

/// <summary>A test kit silo with the chat grains, an in-memory message store and optional option overrides.</summary>
internal sealed class ChatSilo : IAsyncDisposable
{
    private ChatSilo(TestKitSilo silo, MemoryMessageStore store)
    {
        Silo = silo;
        Store = store;
    }

    public TestKitSilo Silo { get; }

    public MemoryMessageStore Store { get; }

    public static ChatSilo Create(Action<ConversationOptions>? conversations = null, Action<UserOptions>? users = null, Action<ISiloBuilder>? configure = null)
    {
        var store = new MemoryMessageStore();
        var silo = new TestKitSilo(builder =>
        {
            builder.AddChatGrains(store);
            if (conversations is not null) builder.Configure(conversations);
            if (users is not null) builder.Configure(users);
            configure?.Invoke(builder);
        });
        return new ChatSilo(silo, store);
    }

    public IUserGrain User(string id) => Silo.GetGrain<IUserGrain>(id);

    public IConversationGrain Conversation(string id) => Silo.GetGrain<IConversationGrain>(id);

    public IConversationGrain Direct(string a, string b) => Conversation(ConversationIds.Direct(a, b));

    /// <summary>Gives users the profile every sign-in path stores; conversations refuse ids that have none.</summary>
    public Task SignUpAsync(params string[] userIds) => SignUpAsync(Silo, userIds);

    /// <summary>Gives users the profile every sign-in path stores, with their id as display name.</summary>
    public static Task SignUpAsync(TestKitSilo silo, params string[] userIds) =>
        Task.WhenAll(userIds.Select(id => silo.GetGrain<IUserGrain>(id).SetProfile(id, null, "user")));

    /// <summary>Connects a device of a user through a captured gateway observer.</summary>
    public async Task<ObserverCapture<IClientObserver>> ConnectAsync(string userId, string connectionId, ObserverCapture<IClientObserver>? gateway = null)
    {
        gateway ??= Silo.CaptureObserver<IClientObserver>();
        await User(userId).Connect(new ClientConnection(connectionId, gateway.Reference, "web"));
        return gateway;
    }

    /// <summary>
    /// Moves manual time in steps of at most five seconds: the test kit fires due timers during one Advance but their ticks
    /// run afterwards and read the final clock, so one big step would make a tick due early see the late time.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan total)
    {
        var step = TimeSpan.FromSeconds(5);
        for (var left = total; left > TimeSpan.Zero; left -= step) await Silo.AdvanceTimeAsync(left < step ? left : step);
    }

    public static SendCommand Text(string conversationId, string clientMsgId, string text = "hello") =>
        new(conversationId, clientMsgId, MessageKinds.Text, text);

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}

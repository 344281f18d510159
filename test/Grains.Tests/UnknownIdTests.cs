using Orleans.Runtime;
using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// Ids nobody created cost nothing that lasts: asking about them answers (offline, not_found) and leaves no activation
/// holding memory behind, so a client cannot grow a silo by asking about random ids.
/// </summary>
public sealed class UnknownIdTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private async Task<IReadOnlyList<GrainId>> ActiveAsync(string grainType) =>
        await shared.Chat.Cluster.Client.GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create(grainType));

    [Fact]
    public async Task Presence_of_ids_nobody_created_leaves_no_user_activation()
    {
        var chat = shared.Chat;
        var ghosts = Enumerable.Range(0, 20).Select(_ => Id("ghost")).ToArray();

        var answers = await Task.WhenAll(ghosts.Select(id => chat.User(id).GetPresence()));

        Assert.All(answers, p => Assert.Equal(PresenceStatus.Offline, p.Status));
        await Eventually.Holds(async () => Assert.Empty((await ActiveAsync("user")).Intersect(ghosts.Select(UserGrainId))));
    }

    [Fact]
    public async Task The_directory_answers_presence_of_ids_nobody_created_without_activating_them()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        await chat.SignUpAsync(alice);
        await chat.ConnectAsync(alice, "a1");
        var ghosts = Enumerable.Range(0, 200).Select(_ => Id("ghost")).ToArray();

        var answers = await chat.Cluster.Client.GetGrain<IUserDirectoryGrain>(0).GetPresence([alice, .. ghosts, alice]);

        Assert.Equal([alice, .. ghosts], answers.Select(p => p.UserId));
        Assert.Equal(PresenceStatus.Online, answers[0].Status);
        Assert.All(answers.Skip(1), p => Assert.Equal(new PresenceView(p.UserId, PresenceStatus.Offline, null), p));
        Assert.Empty((await ActiveAsync("user")).Intersect(ghosts.Select(UserGrainId)));
    }

    [Fact]
    public async Task A_user_from_before_the_directory_is_listed_when_their_grain_next_wakes()
    {
        var chat = shared.Chat;
        var old = Id("old");
        await chat.WriteUserStateBehindGrainAsync(old, new Users.UserState { DisplayName = "Old Timer", Role = "user" });
        var directory = chat.Cluster.Client.GetGrain<IUserDirectoryGrain>(0);
        Assert.Null((await directory.GetPresence([old])).Single().LastSeenAt);

        await chat.ConnectAsync(old, "o1");
        await chat.User(old).Disconnect("o1");

        var seen = (await directory.GetPresence([old])).Single();
        Assert.Equal(PresenceStatus.Offline, seen.Status);
        Assert.NotNull(seen.LastSeenAt);
    }

    [Fact]
    public async Task A_known_user_stays_active_after_being_asked_about()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        await chat.SignUpAsync(alice);
        await chat.ConnectAsync(alice, "c1");

        await chat.User(alice).GetPresence();
        await chat.User(alice).FindProfile();
        await chat.QuiesceAsync();

        Assert.Contains(UserGrainId(alice), await ActiveAsync("user"));
    }

    [Fact]
    public async Task Reading_a_conversation_that_does_not_exist_leaves_no_activation()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        await chat.SignUpAsync(alice);
        var ghosts = Enumerable.Range(0, 10).Select(_ => Id("nowhere")).ToArray();

        foreach (var id in ghosts)
        {
            var refused = await Assert.ThrowsAsync<ChatException>(() => chat.Conversation(id).History(alice, 10, 10));
            Assert.Equal(ErrorCodes.NotFound, refused.Code);
        }
        var typing = await Assert.ThrowsAsync<ChatException>(() => chat.Conversation(ghosts[0]).Typing(alice));
        Assert.Equal(ErrorCodes.NotFound, typing.Code);

        await Eventually.Holds(async () => Assert.Empty((await ActiveAsync("conversation")).Intersect(ghosts.Select(ConversationGrainId))));
    }

    [Fact]
    public async Task Opening_a_direct_chat_with_an_unknown_peer_leaves_neither_activation()
    {
        var chat = shared.Chat;
        var (alice, ghost) = (Id("alice"), Id("ghost"));
        await chat.SignUpAsync(alice);
        var direct = ConversationIds.Direct(alice, ghost);

        var refused = await Assert.ThrowsAsync<ChatException>(() => chat.Conversation(direct).OpenDirect(alice, ghost));
        Assert.Equal(ErrorCodes.NotFound, refused.Code);

        await Eventually.Holds(async () =>
        {
            Assert.DoesNotContain(UserGrainId(ghost), await ActiveAsync("user"));
            Assert.DoesNotContain(ConversationGrainId(direct), await ActiveAsync("conversation"));
        });
    }
}

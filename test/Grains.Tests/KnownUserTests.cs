using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>
/// Conversations take in only users who got a profile at sign-in; a typo gets not_found, never a ghost member.
/// The unknown ids here ("zed", "ghost", "g1"…) are never signed up by any test of this class.
/// </summary>
public sealed class KnownUserTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    private static async Task<ChatException> NotFound(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<ChatException>(call);
        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        return refused;
    }

    [Fact]
    public async Task FindProfile_is_null_until_the_user_gets_a_profile()
    {
        var chat = shared.Chat;
        var (nobody, alice) = (Id("nobody"), Id("alice"));
        Assert.Null(await chat.User(nobody).FindProfile());
        await chat.User(alice).SetProfile("Alice", null, "guest");
        Assert.Equal(new UserProfile(alice, "Alice", null, "guest"), await chat.User(alice).FindProfile());
    }

    [Fact]
    public async Task OpenDirect_with_an_unknown_peer_is_not_found_and_writes_nothing()
    {
        var chat = shared.Chat;
        var (alice, bobb) = (Id("alice"), Id("bobb"));
        await chat.SignUpAsync(alice);
        var direct = chat.Direct(alice, bobb);

        var refused = await NotFound(() => direct.OpenDirect(alice, bobb));
        Assert.Contains(bobb, refused.Message, StringComparison.Ordinal);
        Assert.Null(await chat.ConversationStateAsync(ConversationIds.Direct(alice, bobb)));
        // The live activation changed nothing either: it still answers as a conversation that does not exist.
        await NotFound(() => direct.GetView(alice));
        await chat.QuiesceAsync();
        Assert.Empty(await chat.User(alice).ListConversations());

        await chat.User(bobb).SetProfile("Bobb", null, "user");
        var view = await direct.OpenDirect(alice, bobb);
        Assert.Equal("Bobb", view.Members.Single(m => m.UserId == bobb).DisplayName);
        Assert.True((await chat.ConversationStateAsync(view.ConversationId))!.Exists);
    }

    [Fact]
    public async Task A_creator_without_a_profile_still_opens_a_chat_and_shows_their_id()
    {
        // Every token holder got a profile at sign-in, so this is only lost or legacy data: do not lock them out.
        var chat = shared.Chat;
        var (alice, bob) = (Id("alice"), Id("bob"));
        await chat.SignUpAsync(bob);
        var view = await chat.Direct(alice, bob).OpenDirect(alice, bob);
        Assert.Equal(alice, view.Members.Single(m => m.UserId == alice).DisplayName);
    }

    [Fact]
    public async Task CreateGroup_with_an_unknown_member_is_not_found_and_creates_nothing()
    {
        var chat = shared.Chat;
        var (olga, max) = (Id("olga"), Id("max"));
        await chat.SignUpAsync(olga, max);
        var group = chat.Conversation("g:typo");

        var refused = await NotFound(() => group.CreateGroup(olga, "Team", [max, "zed"]));
        Assert.Contains("zed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(max, refused.Message, StringComparison.Ordinal);
        Assert.Null(await chat.ConversationStateAsync("g:typo"));
        await NotFound(() => group.GetView(olga));
        await chat.QuiesceAsync();
        Assert.Empty(await chat.User(max).ListConversations());

        // Nothing was left behind, so the same id can still be created (a half-made group would be a conflict).
        var created = await group.CreateGroup(olga, "Team", [max]);
        Assert.Equal(new[] { max, olga }.Order(StringComparer.Ordinal), created.Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddMembers_with_an_unknown_id_is_not_found_and_adds_no_one()
    {
        var chat = shared.Chat;
        var (olga, max, eve) = (Id("olga"), Id("max"), Id("eve"));
        await chat.SignUpAsync(olga, max, eve);
        var group = chat.Conversation("g:add");
        await group.CreateGroup(olga, "Add", [max]);

        var refused = await NotFound(() => group.AddMembers(olga, [eve, "ghost"]));
        Assert.Contains("ghost", refused.Message, StringComparison.Ordinal);
        var before = new[] { max, olga }.Order(StringComparer.Ordinal);
        Assert.Equal(before, (await group.GetView(olga)).Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(before, (await chat.ConversationStateAsync("g:add"))!.Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
        await chat.QuiesceAsync();
        Assert.Empty(await chat.User(eve).ListConversations());

        Assert.Equal(3, (await group.AddMembers(olga, [eve])).Members.Count);
    }

    [Fact]
    public async Task The_refusal_names_every_unknown_id_sorted_and_cut_short()
    {
        var chat = shared.Chat;
        var (olga, max) = (Id("olga"), Id("max"));
        await chat.SignUpAsync(olga, max);
        var ghosts = new[] { "g7", "g2", "g5", "g1", "g8", "g3", "g6", "g4" };

        var refused = await NotFound(() => chat.Conversation("g:many").CreateGroup(olga, "Many", [max, .. ghosts]));
        Assert.Equal("No such users: g1, g2, g3, g4, g5 and 3 more.", refused.Message);
        refused = await NotFound(() => chat.Conversation("g:two").CreateGroup(olga, "Two", ["zed", max, "abe"]));
        Assert.Equal("No such users: abe, zed.", refused.Message);
    }
}

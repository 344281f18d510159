using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests.People;

/// <summary>UpdateProfile on the user grain: what the directory and people search then say, and what sign-ins keep.</summary>
public sealed class ProfileGrainTests(SharedChatSilo shared) : IClassFixture<SharedChatSilo>
{
    [Fact]
    public async Task A_user_who_opts_out_is_not_found_and_a_guest_never_is()
    {
        var chat = shared.Chat;
        var (me, ann, guest) = (Id("me"), Id("ann"), Id("guest"));
        await chat.SignUpAsync(me, ann);
        await chat.User(guest).SetProfile("Annabel Guest", null, "guest");
        await chat.User(ann).UpdateProfile(new ProfileChange("Annabel Lee", null, null));
        var directory = chat.Cluster.Client.GetGrain<IUserDirectoryGrain>(0);

        Assert.Equal([ann], (await directory.SearchUsers(me, "annabel", 10)).Select(p => p.UserId));
        var guestProfile = await chat.User(guest).UpdateProfile(new ProfileChange(null, null, Listed: true));
        Assert.False(guestProfile.Listed);
        Assert.Equal([ann], (await directory.SearchUsers(me, "annabel", 10)).Select(p => p.UserId));

        var hidden = await chat.User(ann).UpdateProfile(new ProfileChange(null, null, Listed: false));
        Assert.False(hidden.Listed);
        Assert.Empty(await directory.SearchUsers(me, "annabel", 10));
        Assert.Equal(["Annabel Lee", "Annabel Guest"], (await directory.GetProfiles([ann, Id("nobody"), guest])).Select(p => p.DisplayName));
    }

    [Fact]
    public async Task Signing_in_again_keeps_the_chosen_avatar_and_a_bad_name_changes_nothing()
    {
        var chat = shared.Chat;
        var alice = Id("alice");
        await chat.SignUpAsync(alice);
        await chat.User(alice).UpdateProfile(new ProfileChange(null, "/api/files/abc", null));

        await chat.User(alice).SetProfile(alice, null, "user");

        Assert.Equal("/api/files/abc", (await chat.User(alice).FindProfileView())!.AvatarUrl);
        var refused = await Assert.ThrowsAsync<ChatException>(() => chat.User(alice).UpdateProfile(new ProfileChange(" ", "", null)));
        Assert.Equal(ErrorCodes.Invalid, refused.Code);
        Assert.Equal("/api/files/abc", (await chat.User(alice).FindProfileView())!.AvatarUrl);
        Assert.Null(await chat.User(Id("nobody")).FindProfileView());
    }
}

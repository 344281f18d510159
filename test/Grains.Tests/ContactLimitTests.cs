using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>Contacts are real users and bounded in number: every presence change goes to each of them.</summary>
public sealed class ContactLimitTests
{
    [Fact]
    public async Task A_contact_must_exist_and_a_user_has_at_most_the_configured_contacts_and_blocks()
    {
        await using var chat = await ChatSilo.StartAsync(users: o => o.MaxContacts = 3);
        var alice = Id("alice");
        var friends = Enumerable.Range(0, 4).Select(_ => Id("friend")).ToArray();
        await chat.SignUpAsync([alice, .. friends]);
        var me = chat.User(alice);

        var unknown = await Assert.ThrowsAsync<ChatException>(() => me.AddContact(Id("nobody")));
        Assert.Equal(ErrorCodes.NotFound, unknown.Code);

        foreach (var friend in friends[..3]) await me.AddContact(friend);
        await me.AddContact(friends[0]); // already a contact: not a fourth
        var full = await Assert.ThrowsAsync<ChatException>(() => me.AddContact(friends[3]));
        Assert.Equal(ErrorCodes.Invalid, full.Code);
        Assert.Equal(friends[..3], await me.Contacts());

        await me.RemoveContact(friends[0]);
        await me.AddContact(friends[3]);
        Assert.Equal([friends[1], friends[2], friends[3]], await me.Contacts());

        foreach (var friend in friends[..3]) await me.Block(friend);
        Assert.Equal(ErrorCodes.Invalid, (await Assert.ThrowsAsync<ChatException>(() => me.Block(friends[3]))).Code);
    }
}

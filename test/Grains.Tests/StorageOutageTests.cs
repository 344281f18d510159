using Xunit;
using static Im.Orleans.Grains.Tests.ChatSilo;

namespace Im.Orleans.Grains.Tests;

/// <summary>A call that failed because the database was down answers "unavailable" (retry), never an unknown fault.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task MarkRead_and_SetProfile_while_the_database_is_down_answer_unavailable_and_work_once_it_is_back()
    {
        await using var chat = await ChatSilo.StartAsync();
        var (alice, bob) = (Id("alice"), Id("bob"));
        await chat.SignUpAsync(alice, bob);
        var direct = chat.Direct(alice, bob);
        var id = (await direct.OpenDirect(alice, bob)).ConversationId;
        await direct.Send(alice, Text(id, "m1"));

        chat.Storage.IsDown = true;
        var markRead = await Assert.ThrowsAsync<ChatException>(() => chat.User(bob).MarkRead(id, 1));
        var profile = await Assert.ThrowsAsync<ChatException>(() => chat.User(alice).SetProfile("Alice", null, "user"));
        chat.Storage.IsDown = false;

        Assert.Equal((ErrorCodes.Unavailable, ErrorCodes.Unavailable), (markRead.Code, profile.Code));
        await Eventually.Holds(async () => Assert.Equal(0, (await chat.User(bob).MarkRead(id, 1)).Unread));
    }
}

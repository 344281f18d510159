using Im.Orleans.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Im.Orleans.Gateway.Tests;

/// <summary>Calls naming ids the caller has no part in stay cheap: they answer and leave no grain behind.</summary>
[Collection(GatewayCollection.Name)]
public sealed class UnknownIdTests(GatewayFixture fixture)
{
    private GatewayServer Server => fixture.Server;

    private async Task<IReadOnlyList<GrainId>> ActiveConversationsAsync() =>
        await Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create("conversation"));

    [Fact]
    public async Task Sync_with_cursors_of_random_conversation_ids_answers_mine_and_activates_none_of_the_others()
    {
        var (_, aliceHub) = await Server.ConnectGuestAsync("Alice");
        var (bob, bobHub) = await Server.ConnectGuestAsync("Bob");
        await using var _ = aliceHub;
        await using var __ = bobHub;
        var direct = (await aliceHub.InvokeAsync("OpenDirect", bob.UserId)).Str("conversationId");
        await aliceHub.InvokeAsync("Send", new { conversationId = direct, clientMsgId = "m1", kind = "text", text = "hi" });
        var random = Enumerable.Range(0, 999).Select(i => $"g:random{Guid.NewGuid():N}").ToList();
        var cursors = random.ToDictionary(id => id, _ => 0L);
        cursors[direct] = 0;

        var sync = await bobHub.InvokeAsync("Sync", new { cursors });

        Assert.Equal([direct], sync.Items("messages").Select(m => m.Str("conversationId")).Distinct());
        var active = (await ActiveConversationsAsync()).Select(g => g.Key.ToString()).ToHashSet();
        Assert.DoesNotContain(random, active.Contains);
    }
}

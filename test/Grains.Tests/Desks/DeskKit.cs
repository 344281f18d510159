using Im.Orleans.Grains.Desks;
using Xunit;

namespace Im.Orleans.Grains.Tests;

/// <summary>Shortcuts for desk tests: grains by id, a configured desk, and the invariants every step must keep.</summary>
internal static class DeskKit
{
    public static IDeskGrain Desk(this ChatSilo chat, string deskId) => chat.Cluster.Client.GetGrain<IDeskGrain>(deskId);

    public static IAgentGrain Agent(this ChatSilo chat, string agentId) => chat.Cluster.Client.GetGrain<IAgentGrain>(agentId);

    public static Task<DeskState?> DeskStateAsync(this ChatSilo chat, string deskId) => chat.Storage.ReadAsync<DeskState>("desk", GrainId.Create("desk", deskId));

    /// <summary>
    /// A new desk with the given agents (all offline until a test sets them online); no no-answer timeout unless asked
    /// for, so tests that move the clock keep their assignments.
    /// </summary>
    public static async Task<IDeskGrain> NewDeskAsync(this ChatSilo chat, string deskId, string[] agents, int capacity = 2, TimeSpan? sticky = null, TimeSpan? noAnswer = null)
    {
        var desk = chat.Desk(deskId);
        await desk.Configure(new DeskSettings(deskId, agents, [], capacity, noAnswer ?? TimeSpan.Zero, sticky ?? TimeSpan.FromMinutes(1)));
        return desk;
    }

    public static Task OnlineAsync(this ChatSilo chat, params string[] agents) =>
        Task.WhenAll(agents.Select(a => chat.Agent(a).SetStatus(AgentStatus.Online)));

    /// <summary>No agent over capacity and no conversation held by two agents.</summary>
    public static async Task<IReadOnlyList<AgentLoad>> AssertLoadsSoundAsync(this ChatSilo chat, IEnumerable<string> agents)
    {
        var loads = await Task.WhenAll(agents.Select(a => chat.Agent(a).GetLoad()));
        foreach (var load in loads) Assert.True(load.Chats.Count <= load.Capacity, $"{load.AgentId} holds {load.Chats.Count} chats over capacity {load.Capacity}");
        var held = loads.SelectMany(l => l.Chats).ToList();
        Assert.Equal(held.Count, held.Distinct(StringComparer.Ordinal).Count());
        return loads;
    }
}

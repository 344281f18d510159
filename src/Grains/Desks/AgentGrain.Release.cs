using Microsoft.Extensions.Logging;

namespace Im.Orleans.Grains.Desks;

/// <summary>A desk taking a chat back from this agent (no-answer timeout, take-over), or handing one over to a supervisor.</summary>
internal sealed partial class AgentGrain
{
    public async Task<bool> Release(string deskId, string conversationId)
    {
        var index = State.Chats.FindIndex(c => c.ConversationId == conversationId && c.DeskId == deskId);
        if (index < 0) return false;
        State.Chats.RemoveAt(index);
        await _state.WriteStateAsync();
        _logger.LogInformation("Agent {Agent} released {Conversation} back to desk {Desk}", AgentId, conversationId, deskId);
        // The releasing desk drains on its own after this call; the agent's other desks hear of the free slot.
        await TellDesksIfFreeAsync(exceptDesk: deskId);
        return true;
    }

    public async Task<AgentLoad> Adopt(string deskId, string conversationId)
    {
        if (State.Chats.Exists(c => c.ConversationId == conversationId)) return Load();
        State.Chats.Add(new AgentChat { ConversationId = conversationId, DeskId = deskId, AssignedAt = _time.GetUtcNow() });
        await _state.WriteStateAsync();
        return Load();
    }
}

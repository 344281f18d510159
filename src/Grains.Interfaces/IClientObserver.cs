using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>
/// A gateway's observer: grains push client events through it to the listed connections on that gateway.
/// One-way, so a slow or dead gateway never blocks a grain's turn; pushes are at-least-once.
/// </summary>
[Alias("im.IClientObserver")]
public interface IClientObserver : IGrainObserver
{
    [OneWay, Alias("OnMessage")] Task OnMessage(string[] connectionIds, Message message);
    [OneWay, Alias("OnUnread")] Task OnUnread(string[] connectionIds, UnreadEvent unread);
    [OneWay, Alias("OnPresence")] Task OnPresence(string[] connectionIds, PresenceView presence);
    [OneWay, Alias("OnTyping")] Task OnTyping(string[] connectionIds, TypingEvent typing);
    [OneWay, Alias("OnRead")] Task OnRead(string[] connectionIds, ReadEvent read);
    [OneWay, Alias("OnFocus")] Task OnFocus(string[] connectionIds, FocusEvent focus);
    [OneWay, Alias("OnConversation")] Task OnConversation(string[] connectionIds, ConversationView conversation);
    [OneWay, Alias("OnRecalled")] Task OnRecalled(string[] connectionIds, RecalledEvent recalled);
}

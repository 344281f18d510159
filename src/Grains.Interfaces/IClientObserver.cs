namespace Im.Orleans.Grains;

/// <summary>
/// A gateway's observer: grains push client events through it to the listed connections on that gateway.
/// One-way (void) so a slow or dead gateway never blocks a grain's turn; pushes are at-least-once.
/// </summary>
public interface IClientObserver : IGrainObserver
{
    void OnMessage(string[] connectionIds, Message message);
    void OnUnread(string[] connectionIds, UnreadEvent unread);
    void OnPresence(string[] connectionIds, PresenceView presence);
    void OnTyping(string[] connectionIds, TypingEvent typing);
    void OnRead(string[] connectionIds, ReadEvent read);
    void OnFocus(string[] connectionIds, FocusEvent focus);
    void OnConversation(string[] connectionIds, ConversationView conversation);
    void OnRecalled(string[] connectionIds, RecalledEvent recalled);
}

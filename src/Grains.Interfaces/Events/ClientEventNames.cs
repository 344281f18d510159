namespace Im.Orleans.Grains;

/// <summary>The server → client event names of protocol v1 (the SignalR target a client subscribes with <c>on(name)</c>).</summary>
public static class ClientEventNames
{
    public const string Message = "message";
    public const string Unread = "unread";
    public const string Presence = "presence";
    public const string Typing = "typing";
    public const string Read = "read";
    public const string Focus = "focus";
    public const string Conversation = "conversation";
    public const string Recalled = "recalled";
    public const string Queue = "queue";
    public const string Assigned = "assigned";
    public const string Note = "note";
    public const string Case = "case";
    public const string Sync = "sync";
    public const string Profile = "profile";
    public const string Edited = "edited";
    public const string Deleted = "deleted";
    public const string Reaction = "reaction";
}

namespace Im.Orleans.Grains;

/// <summary>
/// A visitor's leave-a-message ticket (issue 10 item 10): what they left for a desk while nobody could chat. The text
/// is also the visitor's message in their service conversation, so the answer arrives where they will look.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.ServiceTicket")]
public sealed record ServiceTicket(string ConversationId, string DeskId, string VisitorId, string Name, string Contact, string Text, DateTimeOffset At);

/// <summary>
/// A service chat handed from one desk to another: the desk it leaves stores it until the target confirms it is queued
/// there, so neither a crash nor a lost call drops the visitor. <see cref="TransferId"/> makes a repeated hand-over a no-op.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.DeskTransfer")]
public sealed record DeskTransfer(
    string TransferId,
    string ConversationId,
    string VisitorId,
    string FromDeskId,
    string ToDeskId,
    string ActorId,
    string? FromAgentId,
    string? Note,
    DateTimeOffset At);

/// <summary>The desk currently serving a service conversation (its home desk until a transfer) and the transfer that took it there.</summary>
[GenerateSerializer, Immutable, Alias("im.ServingDesk")]
public sealed record ServingDesk(string DeskId, string? TransferId);

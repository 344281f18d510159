using Im.Orleans.Grains.Options;

namespace Im.Orleans.Grains.Conversations;

/// <summary>Checks a send command before anything is queued, so bad input fails with invalid and stores nothing.</summary>
internal static class SendValidator
{
    public const int MaxClientMsgIdLength = 64;

    private static readonly HashSet<string> MediaKinds = new(StringComparer.Ordinal)
    {
        MessageKinds.Image, MessageKinds.File, MessageKinds.Voice, MessageKinds.Video,
    };

    public static void Validate(SendCommand command, ConversationOptions options, long lastSeq)
    {
        if (command is null) throw ChatException.Invalid("A send needs a command.");
        if (string.IsNullOrWhiteSpace(command.ClientMsgId)) throw ChatException.Invalid("clientMsgId is required.");
        if (command.ClientMsgId.Length > MaxClientMsgIdLength) throw ChatException.Invalid($"clientMsgId is longer than {MaxClientMsgIdLength} characters.");
        if (command.Kind is null || !MessageKinds.ClientSendable.Contains(command.Kind)) throw ChatException.Invalid($"Kind '{command.Kind}' cannot be sent.");
        if (command.Text is { Length: var length } && length > options.MaxTextLength) throw ChatException.Invalid($"Text is longer than {options.MaxTextLength} characters.");
        if (command.Kind is MessageKinds.Text or MessageKinds.Custom && string.IsNullOrWhiteSpace(command.Text)) throw ChatException.Invalid($"A {command.Kind} message needs text.");
        if (MediaKinds.Contains(command.Kind) && string.IsNullOrWhiteSpace(command.AttachmentId ?? command.Attachment?.Id))
            throw ChatException.Invalid($"A {command.Kind} message needs an attachment.");
        if (command.ReplyToSeq is { } reply && (reply < 1 || reply > lastSeq)) throw ChatException.Invalid($"replyToSeq {reply} is not a message of this conversation.");
    }
}

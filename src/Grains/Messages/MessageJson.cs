using System.Text.Json;

namespace Im.Orleans.Grains.Messages;

/// <summary>Attachment metadata, reactions and system notes as JSON columns, in the same camelCase shape clients see.</summary>
internal static class MessageJson
{
    public static string? Write(Attachment? attachment) =>
        attachment is null ? null : JsonSerializer.Serialize(attachment, ChatJsonContext.Default.Attachment);

    public static Attachment? Read(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ChatJsonContext.Default.Attachment);

    public static string? WriteReactions(IReadOnlyDictionary<string, IReadOnlyList<string>>? reactions) =>
        reactions is null || reactions.Count == 0 ? null : JsonSerializer.Serialize(reactions, ChatJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyListString);

    /// <summary>The reactions column; null when none (clients still get {}, see ReactionsJsonConverter).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ReadReactions(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ChatJsonContext.Default.IReadOnlyDictionaryStringIReadOnlyListString);

    public static string? WriteSystem(SystemNote? note) =>
        note is null ? null : JsonSerializer.Serialize(note, ChatJsonContext.Default.SystemNote);

    public static SystemNote? ReadSystem(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ChatJsonContext.Default.SystemNote);
}

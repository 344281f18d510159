using System.Text.Json;

namespace Im.Orleans.Grains.Messages;

/// <summary>Attachment metadata as a JSON column, in the same camelCase shape clients see.</summary>
internal static class MessageJson
{
    public static string? Write(Attachment? attachment) =>
        attachment is null ? null : JsonSerializer.Serialize(attachment, ChatJsonContext.Default.Attachment);

    public static Attachment? Read(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ChatJsonContext.Default.Attachment);
}

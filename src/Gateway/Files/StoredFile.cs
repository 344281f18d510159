namespace Im.Orleans.Gateway.Files;

/// <summary>An uploaded file's metadata, kept next to its bytes.</summary>
public sealed record StoredFile(
    string Id, string ConversationId, string UploaderId, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);

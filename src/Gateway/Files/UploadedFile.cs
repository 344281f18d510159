namespace Im.Orleans.Gateway.Files;

/// <summary>POST /api/files answer: the attachment to put in a Send (attachmentId = id) and where to fetch it; an avatar has no conversation.</summary>
public sealed record UploadedFile(string Id, string? ConversationId, string FileName, string ContentType, long Size, string Kind, string Url);

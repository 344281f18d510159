namespace Im.Orleans.Gateway.Files;

/// <summary>Upload limits ("Files" section): size and the content types accepted for image, file, voice and video messages.</summary>
public sealed class FileUploadOptions
{
    public const string SectionName = "Files";

    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The largest avatar (POST /api/files with purpose=avatar); avatars are images shown small.</summary>
    public long MaxAvatarBytes { get; set; } = 2 * 1024 * 1024;

    public string[] AllowedContentTypes { get; set; } =
    [
        "image/jpeg", "image/png", "image/gif", "image/webp",
        "audio/webm", "audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/wav",
        "video/mp4", "video/webm", "video/quicktime",
        "application/pdf", "application/zip", "text/plain", "application/octet-stream",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ];
}

using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Files;

/// <summary>Which message kind a content type belongs to, so a Send's kind can be checked against its attachment.</summary>
public static class FileKinds
{
    public static string For(string contentType) =>
        contentType.StartsWith("image/", StringComparison.Ordinal) ? MessageKinds.Image
        : contentType.StartsWith("audio/", StringComparison.Ordinal) ? MessageKinds.Voice
        : contentType.StartsWith("video/", StringComparison.Ordinal) ? MessageKinds.Video
        : MessageKinds.File;

    /// <summary>A "file" message may carry anything; image, voice and video must carry their own kind of media.</summary>
    public static bool Fits(string messageKind, string contentType) =>
        messageKind == MessageKinds.File || messageKind == MessageKinds.Custom || For(contentType) == messageKind;
}

namespace Im.Orleans.Gateway.Files;

/// <summary>
/// Avatars are uploads with purpose=avatar: stored like any file, under the owner "avatar:{userId}" in place of a
/// conversation id (no conversation id has that form), and readable by every signed-in user.
/// </summary>
public static class AvatarFiles
{
    public const string Purpose = "avatar";

    private const string OwnerPrefix = "avatar:";

    public static string Owner(string userId) => OwnerPrefix + userId;

    public static bool IsAvatar(StoredFile file) => file.ConversationId.StartsWith(OwnerPrefix, StringComparison.Ordinal);

    public static string Url(string fileId) => $"/api/files/{fileId}";
}

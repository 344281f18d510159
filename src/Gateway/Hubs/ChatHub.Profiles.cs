using System.Text.Json;
using Im.Orleans.Gateway.Files;
using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>Profiles and the people around the caller: SetProfile, GetProfiles, ListBlocked, SearchUsers, SearchConversations.</summary>
public sealed partial class ChatHub
{
    private const int MaxDisplayNameLength = 100;
    private const int MaxProfileQuery = 200;
    private const int MaxSearchQueryLength = 64;
    private const int MaxSearchLimit = 50;
    private const int DefaultSearchLimit = 20;

    public async Task<ProfileView> SetProfile(JsonElement profile)
    {
        var body = HubArguments.Object(profile, "profile");
        var name = HubArguments.Optional(body, "displayName") is { } n ? HubArguments.Text(n, "displayName", MaxDisplayNameLength).Trim() : null;
        if (name is { Length: 0 } || name?.Any(char.IsControl) == true) throw HubErrors.Invalid($"displayName must be 1-{MaxDisplayNameLength} characters without control characters");
        var avatarUrl = HubArguments.Optional(body, "avatarId") is { } a ? await AvatarUrlAsync(HubArguments.Text(a, "avatarId", 200)) : null;
        var listed = HubArguments.Optional(body, "listed") is { } l ? HubArguments.Bool(l, "listed") : (bool?)null;
        return await MyGrain.UpdateProfile(new ProfileChange(name, avatarUrl, listed));
    }

    public async Task<IReadOnlyList<ProfileView>> GetProfiles(JsonElement userIds)
    {
        var ids = HubArguments.UserIds(userIds, "userIds", MaxProfileQuery, allowEmpty: true);
        // From the directory: ids nobody created cost no grain activation, and are left out.
        return await grains.GetGrain<IUserDirectoryGrain>(0).GetProfiles(ids);
    }

    /// <summary>The ids the caller blocked, for an unblock list.</summary>
    public Task<IReadOnlyList<string>> ListBlocked() => MyGrain.Blocked();

    public async Task<IReadOnlyList<ProfileView>> SearchUsers(JsonElement request)
    {
        var body = HubArguments.Object(request, "request");
        var query = SearchQuery(body);
        var limit = HubArguments.Optional(body, "limit") is { } l ? HubArguments.Int(l, "limit", 1, MaxSearchLimit) : DefaultSearchLimit;
        return await grains.GetGrain<IUserDirectoryGrain>(0).SearchUsers(Me, query, limit);
    }

    public async Task<IReadOnlyList<ConversationView>> SearchConversations(JsonElement request)
    {
        var query = SearchQuery(HubArguments.Object(request, "request"));
        var me = Me;
        var conversations = await MyGrain.ListConversations();
        // A direct conversation is named by the peer, whose display name is what people type.
        return [.. conversations.Where(c => c.Title.Contains(query, StringComparison.OrdinalIgnoreCase)
            || (c.Kind == ConversationKinds.Direct && c.Members.Any(m => m.UserId != me && m.DisplayName?.Contains(query, StringComparison.OrdinalIgnoreCase) == true)))];
    }

    private static string SearchQuery(JsonElement body)
    {
        var query = HubArguments.Text(HubArguments.Required(body, "query"), "query", 1000).Trim();
        if (query.Length is 0 or > MaxSearchQueryLength) throw HubErrors.Invalid($"query must be 1-{MaxSearchQueryLength} characters");
        return query;
    }

    /// <summary>"" removes the avatar; otherwise the id of an image the caller uploaded with purpose=avatar.</summary>
    private async Task<string> AvatarUrlAsync(string avatarId)
    {
        if (avatarId.Length == 0) return "";
        var file = await files.FindAsync(avatarId, Context.ConnectionAborted);
        if (file is null || !AvatarFiles.IsAvatar(file) || file.ConversationId != AvatarFiles.Owner(Me))
            throw HubErrors.Invalid("avatarId is not an avatar you uploaded (POST /api/files with purpose=avatar)");
        return AvatarFiles.Url(file.Id);
    }
}

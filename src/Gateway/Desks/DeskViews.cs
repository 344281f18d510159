using Im.Orleans.Grains;

namespace Im.Orleans.Gateway.Desks;

/// <summary>Reading desks for REST and the hub: one by id, all through the registry, and who counts as staff.</summary>
public static class DeskViews
{
    public const string DeskIdRule = "deskId must be a desk id (3-64 characters of A-Z a-z 0-9 _ . @ -)";

    /// <summary>The desk, or null when it was never configured.</summary>
    public static async Task<DeskView?> FindAsync(IGrainFactory grains, string deskId)
    {
        try
        {
            return await grains.GetGrain<IDeskGrain>(deskId).GetView();
        }
        catch (ChatException e) when (e.Code == ErrorCodes.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every configured desk in id order (a registered desk whose configuration did not land is skipped).</summary>
    public static async Task<IReadOnlyList<DeskView>> AllAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IDeskRegistryGrain>(0).List();
        var views = await Task.WhenAll(ids.Select(id => FindAsync(grains, id)));
        return [.. views.OfType<DeskView>()];
    }

    public static bool IsStaff(DeskSettings settings, string? userId) =>
        userId is not null && (settings.Agents.Contains(userId, StringComparer.Ordinal) || settings.Supervisors.Contains(userId, StringComparer.Ordinal));

    public static bool IsSupervisor(DeskSettings settings, string? userId) =>
        userId is not null && settings.Supervisors.Contains(userId, StringComparer.Ordinal);
}

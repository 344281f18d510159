using Orleans.Concurrency;

namespace Im.Orleans.Grains;

/// <summary>Service cases: the visitor's attributes from the host's token request, and the staff's case events.</summary>
public partial interface IUserGrain
{
    /// <summary>Replaces the attributes the host vouched for (see <see cref="VisitorAttributes"/>).</summary>
    [Alias("SetAttributes")] Task SetAttributes(IReadOnlyDictionary<string, string> attributes);

    /// <summary>Name and attributes, as a service case shows the visitor. Interleaves like GetProfile.</summary>
    [ReadOnly][AlwaysInterleave] [Alias("GetVisitorCard")] Task<VisitorCard> GetVisitorCard();

    [OneWay] [Alias("PushNote")] Task PushNote(ServiceNote note);

    [OneWay] [Alias("PushCase")] Task PushCase(ServiceCase serviceCase);
}

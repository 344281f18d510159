namespace Im.Orleans.Grains;

/// <summary>A visitor a desk refuses new chats from, who blocked them and why, until <see cref="Until"/> (null = until lifted).</summary>
[GenerateSerializer, Immutable, Alias("im.BlacklistEntry")]
public sealed record BlacklistEntry(string VisitorId, string Reason, string BlockedBy, DateTimeOffset BlockedAt, DateTimeOffset? Until)
{
    /// <summary>In force at <paramref name="now"/>: an entry whose expiry has come is as good as lifted.</summary>
    public bool InForce(DateTimeOffset now) => Until is not { } until || now < until;
}

namespace Im.Orleans.Grains.Users;

/// <summary>The visitor attributes a host system vouched for with the user's token (shown to agents in a service case).</summary>
internal sealed partial class UserState
{
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);
}

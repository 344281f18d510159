namespace Im.Orleans.Grains.Users;

/// <summary>Profile choices beyond name and avatar.</summary>
internal sealed partial class UserState
{
    /// <summary>The user opted out of the people search (SearchUsers); guests are never listed whatever this says.</summary>
    public bool Unlisted { get; set; }
}

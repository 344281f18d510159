namespace Im.Orleans.Gateway.Auth;

/// <summary>The roles a token carries in its "role" claim.</summary>
public static class ChatRoles
{
    public const string Guest = "guest";
    public const string User = "user";
    public const string Agent = "agent";
    public const string Operator = "operator";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Guest, User, Agent, Operator };
}

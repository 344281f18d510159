namespace Im.Orleans.Grains;

/// <summary>A refusal a client should see, with the protocol's error code (forbidden, invalid, not_found, rate_limited, conflict, unavailable).</summary>
[GenerateSerializer, Alias("im.ChatException")]
public sealed class ChatException : Exception
{
    public ChatException(string code, string message) : base(message) => Code = code;

    /// <summary>One of <see cref="ErrorCodes"/>; it crosses silos with the message, so a gateway answers the grain's code.</summary>
    [Id(0)]
    public string Code { get; private set; }

    public static ChatException Forbidden(string message) => new(ErrorCodes.Forbidden, message);
    public static ChatException Invalid(string message) => new(ErrorCodes.Invalid, message);
    public static ChatException NotFound(string message) => new(ErrorCodes.NotFound, message);
    public static ChatException Conflict(string message) => new(ErrorCodes.Conflict, message);
    public static ChatException Unavailable(string message) => new(ErrorCodes.Unavailable, message);
}

/// <summary>The error codes of protocol v1; a HubException message starts with one of them and a colon.</summary>
public static class ErrorCodes
{
    public const string Forbidden = "forbidden";
    public const string Invalid = "invalid";
    public const string NotFound = "not_found";
    public const string RateLimited = "rate_limited";
    public const string Conflict = "conflict";
    /// <summary>Not the client's fault and nothing was changed: retry (a Send with the same clientMsgId).</summary>
    public const string Unavailable = "unavailable";
}

using Microsoft.AspNetCore.SignalR;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>A hub invocation's error as the client sees it (the completion's "error" text).</summary>
public sealed class HubCallException(string message, Exception? inner = null) : Exception(message, inner)
{
    private const string HubExceptionMarker = "HubException: ";

    /// <summary>The protocol code before the first colon, e.g. "forbidden".</summary>
    public string Code => Message.Split(':', 2)[0];

    /// <summary>
    /// The server's "code: message" text from the official client's <see cref="HubException"/>, without the prefix
    /// SignalR puts before an uncoded error ("An unexpected error occurred invoking 'X' on the server. HubException: ").
    /// </summary>
    public static HubCallException FromServer(HubException e)
    {
        var marker = e.Message.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        return new HubCallException(marker >= 0 ? e.Message[(marker + HubExceptionMarker.Length)..] : e.Message, e);
    }
}

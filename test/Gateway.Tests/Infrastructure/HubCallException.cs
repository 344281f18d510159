namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>A hub invocation's error as the client sees it (the completion's "error" text).</summary>
public sealed class HubCallException(string message) : Exception(message)
{
    /// <summary>The protocol code before the first colon, e.g. "forbidden".</summary>
    public string Code => Message.Split(':', 2)[0];
}

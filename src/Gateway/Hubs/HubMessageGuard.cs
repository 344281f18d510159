using System.Runtime.ExceptionServices;
using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// What every hub protocol of ours (JSON, MessagePack) does around the stock parser and writer, so both give clients
/// the same guarantees: errors go out as exactly "code: message", and what protocol v1 does not allow is refused
/// "invalid: …" before any hub method runs, counted in <see cref="GatewayMetrics"/>.
/// </summary>
internal sealed class HubMessageGuard(GatewayMetrics metrics)
{
    private const string HubExceptionMarker = "HubException: ";

    /// <summary>The operation metrics name for frames that are not a call (unknown type, malformed, too large).</summary>
    public const string FrameOperation = "frame";

    private static readonly string[] KnownCodes =
        [ErrorCodes.Forbidden, ErrorCodes.Invalid, ErrorCodes.NotFound, ErrorCodes.RateLimited, ErrorCodes.Conflict, HubErrors.InternalCode, HubErrors.UnavailableCode];

    /// <summary>The coded form of a completion error; other messages pass unchanged.</summary>
    public static string CodeError(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var text = marker >= 0 ? error[(marker + HubExceptionMarker.Length)..] : error;
        if (IsCoded(text)) return text;
        // SignalR's own refusals, raised before any hub code runs.
        if (text.StartsWith("Method does not exist", StringComparison.Ordinal) || text.StartsWith("Unknown hub method", StringComparison.Ordinal))
            return "not_found: no such hub method";
        if (text.StartsWith("Failed to invoke", StringComparison.Ordinal) || text.Contains("binding", StringComparison.OrdinalIgnoreCase))
            return "invalid: the arguments do not match the method (count or types)";
        return marker >= 0 ? "invalid: " + text : "internal: the request failed";
    }

    /// <summary>An outgoing message with its completion or close error coded; other messages pass unchanged.</summary>
    public static HubMessage Rewrite(HubMessage message) => message switch
    {
        CompletionMessage { Error: { } error } completion => CompletionMessage.WithError(completion.InvocationId!, CodeError(error)),
        CloseMessage { Error: { } error } close when CodedCloseError(error) is { } coded => new CloseMessage(coded, close.AllowReconnect),
        _ => message,
    };

    /// <summary>Refuses, before any hub method runs, what protocol v1 does not allow in a parsed message; counts refusals.</summary>
    public HubMessage Screen(HubMessage message)
    {
        switch (message)
        {
            case InvocationBindingFailureMessage failure:
                // The stock parser's refusals: a method the hub lacks, or arguments of the wrong count or type.
                var unknown = failure.BindingFailure.SourceException is HubException { Message: "Method does not exist." };
                metrics.Refused(ChatHubMethods.Operation(failure.Target), unknown ? ErrorCodes.NotFound : ErrorCodes.Invalid);
                return message;
            case StreamInvocationMessage stream:
                return Refuse(stream, $"{ChatHubMethods.Operation(stream.Target)} is not a streaming method; invoke it with a type 1 invocation");
            case InvocationMessage { StreamIds.Length: > 0 } invocation:
                return Refuse(invocation, "hub methods take no streams from the client");
            case InvocationMessage invocation:
                for (var i = 0; i < invocation.Arguments.Length; i++)
                {
                    if (invocation.Arguments[i] is JsonElement argument
                        && HubArguments.FindInvalidText(argument, ChatHubMethods.ParameterName(invocation.Target, i)) is { } field)
                    {
                        return Refuse(invocation, $"{field} is not valid Unicode text");
                    }
                }
                return message;
            default:
                return message;
        }
    }

    /// <summary>Closes the connection: SignalR sends a HubException's message as the close error.</summary>
    public HubException Violation(string reason)
    {
        metrics.Refused(FrameOperation, ErrorCodes.Invalid);
        return HubErrors.Invalid(reason);
    }

    private static bool IsCoded(string text) => KnownCodes.Any(code => text.StartsWith(code + ": ", StringComparison.Ordinal));

    /// <summary>"Connection closed with an error. HubException: invalid: …" (a violation): the coded part only.</summary>
    private static string? CodedCloseError(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var text = marker >= 0 ? error[(marker + HubExceptionMarker.Length)..] : null;
        return text is not null && IsCoded(text) ? text : null;
    }

    /// <summary>An invocation answered "invalid: …" by the dispatcher (to its id, if it has one) without running it.</summary>
    private InvocationBindingFailureMessage Refuse(HubMethodInvocationMessage invocation, string reason)
    {
        metrics.Refused(ChatHubMethods.Operation(invocation.Target), ErrorCodes.Invalid);
        return new InvocationBindingFailureMessage(invocation.InvocationId, invocation.Target, ExceptionDispatchInfo.Capture(HubErrors.Invalid(reason)));
    }
}

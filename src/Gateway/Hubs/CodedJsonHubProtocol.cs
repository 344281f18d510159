using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The standard JSON hub protocol ("json", version 1), hardened for clients that do not play by it.
/// </summary>
/// <remarks>
/// <para>Out: SignalR wraps a HubException's message as "An unexpected error occurred invoking 'X' on the server.
/// HubException: …", and answers bad arguments or unknown methods with uncoded text. Protocol v1 promises errors that
/// start with a code, so completion and close errors are rewritten to exactly "code: message".</para>
/// <para>In: the stock parser answers a whole frame of a type it does not know (99, -1, 0, 10, …) with "no message",
/// which SignalR's connection handler takes for "the frame is not complete yet": it keeps the frame in its buffer and
/// waits for more bytes, so that frame and every frame after it are parsed again and again, never dispatched, until the
/// client times out. Such a frame, a malformed one or one over the size limit closes the connection here at once with
/// "invalid: …" as the close error. Invocations whose arguments hold text that is not Unicode, streaming invocations
/// and client streams (protocol v1 has neither) are answered "invalid: …" before any hub method runs. Every such
/// refusal is counted in <see cref="GatewayMetrics"/>.</para>
/// </remarks>
public sealed class CodedJsonHubProtocol(IOptions<JsonHubProtocolOptions> options, IOptions<ChatHubOptions> hubOptions, GatewayMetrics metrics)
    : IHubProtocol
{
    private const string HubExceptionMarker = "HubException: ";

    /// <summary>The operation metrics name for frames that are not a call (unknown type, malformed, too large).</summary>
    public const string FrameOperation = "frame";

    private readonly JsonHubProtocol _inner = new(options);
    private readonly long _maxMessageSize = hubOptions.Value.MaximumReceiveMessageSize;

    public string Name => _inner.Name;
    public int Version => _inner.Version;
    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var unread = input;
        bool parsed;
        try
        {
            parsed = _inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            // The connection closes either way (SignalR closes on any parser exception); this only says why, coded.
            throw Violation($"malformed hub message: {Describe(e)}");
        }
        if (parsed)
        {
            message = Screen(message!);
            return true;
        }
        if (input.Start.Equals(unread.Start))
        {
            // Nothing consumed: no record separator yet. SignalR refuses a frame of this size once more bytes arrive,
            // with an uncoded close error; refusing it now says why.
            if (unread.Length >= _maxMessageSize) throw Violation($"a hub message may be at most {_maxMessageSize} bytes");
            return false;
        }
        // A whole frame was consumed and yielded no message: a type this protocol does not know.
        throw Violation($"unknown hub message type {MessageType(unread.Slice(0, input.Start))}");
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(Rewrite(message));

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

    private static bool IsCoded(string text) => KnownCodes.Any(code => text.StartsWith(code + ": ", StringComparison.Ordinal));

    private static readonly string[] KnownCodes =
        [ErrorCodes.Forbidden, ErrorCodes.Invalid, ErrorCodes.NotFound, ErrorCodes.RateLimited, ErrorCodes.Conflict, HubErrors.InternalCode, HubErrors.UnavailableCode];

    private static HubMessage Rewrite(HubMessage message) => message switch
    {
        CompletionMessage { Error: { } error } completion => CompletionMessage.WithError(completion.InvocationId!, CodeError(error)),
        CloseMessage { Error: { } error } close when CodedCloseError(error) is { } coded => new CloseMessage(coded, close.AllowReconnect),
        _ => message,
    };

    /// <summary>"Connection closed with an error. HubException: invalid: …" (a violation above): the coded part only.</summary>
    private static string? CodedCloseError(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var text = marker >= 0 ? error[(marker + HubExceptionMarker.Length)..] : null;
        return text is not null && IsCoded(text) ? text : null;
    }

    /// <summary>Refuses, before any hub method runs, what protocol v1 does not allow in a parsed message; counts refusals.</summary>
    private HubMessage Screen(HubMessage message)
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

    /// <summary>An invocation answered "invalid: …" by the dispatcher (to its id, if it has one) without running it.</summary>
    private InvocationBindingFailureMessage Refuse(HubMethodInvocationMessage invocation, string reason)
    {
        metrics.Refused(ChatHubMethods.Operation(invocation.Target), ErrorCodes.Invalid);
        return new InvocationBindingFailureMessage(invocation.InvocationId, invocation.Target, ExceptionDispatchInfo.Capture(HubErrors.Invalid(reason)));
    }

    /// <summary>Closes the connection: SignalR sends a HubException's message as the close error.</summary>
    private HubException Violation(string reason)
    {
        metrics.Refused(FrameOperation, ErrorCodes.Invalid);
        return HubErrors.Invalid(reason);
    }

    private static string Describe(Exception e) => e switch
    {
        // System.Text.Json's answer to reading a value as a string that is not one, or is not Unicode text.
        InvalidOperationException => "a property holds a value that is not a string, or not valid Unicode text",
        InvalidDataException { InnerException: null } => e.Message.TrimEnd('.'),
        _ => "it is not a JSON object of the hub protocol",
    };

    /// <summary>The "type" of a frame the stock parser read (so valid JSON with an integer type) and skipped.</summary>
    private static string MessageType(ReadOnlySequence<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        while (reader.Read() && reader.CurrentDepth >= 1)
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TryGetInt64(out var type)) return type.ToString(System.Globalization.CultureInfo.InvariantCulture);
            reader.Skip();
        }
        return "(unreadable)";
    }
}

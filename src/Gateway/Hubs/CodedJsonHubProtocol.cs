using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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
    /// <summary>The operation metrics name for frames that are not a call (unknown type, malformed, too large).</summary>
    public const string FrameOperation = HubMessageGuard.FrameOperation;

    private readonly JsonHubProtocol _inner = new(options);
    private readonly HubMessageGuard _guard = new(metrics);
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
            throw _guard.Violation($"malformed hub message: {Describe(e)}");
        }
        if (parsed)
        {
            message = _guard.Screen(message!);
            return true;
        }
        if (input.Start.Equals(unread.Start))
        {
            // Nothing consumed: no record separator yet. SignalR refuses a frame of this size once more bytes arrive,
            // with an uncoded close error; refusing it now says why.
            if (unread.Length >= _maxMessageSize) throw _guard.Violation($"a hub message may be at most {_maxMessageSize} bytes");
            return false;
        }
        // A whole frame was consumed and yielded no message: a type this protocol does not know.
        throw _guard.Violation($"unknown hub message type {MessageType(unread.Slice(0, input.Start))}");
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(HubMessageGuard.Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(HubMessageGuard.Rewrite(message));

    /// <summary>The coded form of a completion error; other messages pass unchanged.</summary>
    public static string CodeError(string error) => HubMessageGuard.CodeError(error);

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

using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Im.Orleans.Gateway.Hosting;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The standard MessagePack hub protocol ("messagepack"), for clients that ask for it, with the JSON protocol's
/// payload shapes and the same guarantees as <see cref="CodedJsonHubProtocol"/>.
/// </summary>
/// <remarks>
/// <para>Payloads: arguments and results are written through the JSON protocol's System.Text.Json options
/// (<see cref="JsonContractResolver"/>), so every event and result has the names and values protocol.md documents for
/// JSON; client arguments are maps with the same camelCase names. The stock resolver would write C# names.</para>
/// <para>Errors: completion and close errors go out as exactly "code: message". Frames: like the JSON parser, the stock
/// one consumes a whole frame of a type it does not know and returns no message, which SignalR takes for "incomplete"
/// and waits forever; such a frame, a malformed one, or one that declares more than the size limit closes the
/// connection at once with "invalid: …". Every refusal is counted in <see cref="GatewayMetrics"/>.</para>
/// </remarks>
public sealed class CodedMessagePackHubProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol _inner;
    private readonly HubMessageGuard _guard;
    private readonly long _maxMessageSize;

    public CodedMessagePackHubProtocol(IOptions<JsonHubProtocolOptions> json, IOptions<ChatHubOptions> hubOptions, GatewayMetrics metrics)
    {
        var serializer = MessagePackSerializerOptions.Standard
            .WithResolver(new JsonContractResolver(json.Value.PayloadSerializerOptions))
            .WithSecurity(MessagePackSecurity.UntrustedData);
        _inner = new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions { SerializerOptions = serializer }));
        _guard = new HubMessageGuard(metrics);
        _maxMessageSize = hubOptions.Value.MaximumReceiveMessageSize;
    }

    public string Name => _inner.Name;
    public int Version => _inner.Version;
    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var unread = input;
        // The length prefix says at once what SignalR would only find once that many bytes had arrived.
        if (DeclaredLength(unread) is { } declared && declared > _maxMessageSize)
            throw _guard.Violation($"a hub message may be at most {_maxMessageSize} bytes");
        bool parsed;
        try
        {
            parsed = _inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception e) when (e is InvalidDataException or MessagePackSerializationException or EndOfStreamException
                                   or FormatException or OverflowException or InvalidOperationException)
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
            if (unread.Length >= _maxMessageSize) throw _guard.Violation($"a hub message may be at most {_maxMessageSize} bytes");
            return false;
        }
        throw _guard.Violation($"unknown hub message type {MessageType(unread.Slice(0, input.Start))}");
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(HubMessageGuard.Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(HubMessageGuard.Rewrite(message));

    private static string Describe(Exception e) => e switch
    {
        InvalidDataException { InnerException: null } => e.Message.TrimEnd('.'),
        _ => "it is not a MessagePack array of the hub protocol",
    };

    /// <summary>The frame's length prefix (a base-128 varint of at most 5 bytes), or null while it is incomplete.</summary>
    private static long? DeclaredLength(ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        long length = 0;
        for (var i = 0; i < 5 && reader.TryRead(out var b); i++)
        {
            length |= (long)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) return length;
        }
        return null;
    }

    /// <summary>The type (first array item) of a whole frame the stock parser read and skipped.</summary>
    private static string MessageType(ReadOnlySequence<byte> frame)
    {
        var prefix = new SequenceReader<byte>(frame);
        while (prefix.TryRead(out var b) && (b & 0x80) != 0)
        {
        }
        try
        {
            var reader = new MessagePackReader(frame.Slice(prefix.Position));
            reader.ReadArrayHeader();
            return reader.ReadInt64().ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return "(unreadable)";
        }
    }
}

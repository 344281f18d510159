using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Im.Orleans.Grains;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The standard JSON hub protocol ("json", version 1) with one change on the way out: SignalR wraps a
/// HubException's message as "An unexpected error occurred invoking 'X' on the server. HubException: …", and
/// answers bad arguments or unknown methods with uncoded text. Protocol v1 promises errors that start with a code,
/// so completion errors are rewritten to exactly "code: message".
/// </summary>
public sealed class CodedJsonHubProtocol(IOptions<JsonHubProtocolOptions> options) : IHubProtocol
{
    private const string HubExceptionMarker = "HubException: ";
    private readonly JsonHubProtocol _inner = new(options);

    public string Name => _inner.Name;
    public int Version => _inner.Version;
    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
        _inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(Rewrite(message));

    /// <summary>The coded form of a completion error; other messages pass unchanged.</summary>
    public static string CodeError(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var text = marker >= 0 ? error[(marker + HubExceptionMarker.Length)..] : error;
        if (KnownCodes.Any(code => text.StartsWith(code + ": ", StringComparison.Ordinal))) return text;
        // SignalR's own refusals, raised before any hub code runs.
        if (text.StartsWith("Method does not exist", StringComparison.Ordinal) || text.StartsWith("Unknown hub method", StringComparison.Ordinal))
            return "not_found: no such hub method";
        if (text.StartsWith("Failed to invoke", StringComparison.Ordinal) || text.Contains("binding", StringComparison.OrdinalIgnoreCase))
            return "invalid: the arguments do not match the method (count or types)";
        return marker >= 0 ? "invalid: " + text : "internal: the request failed";
    }

    private static readonly string[] KnownCodes =
        [ErrorCodes.Forbidden, ErrorCodes.Invalid, ErrorCodes.NotFound, ErrorCodes.RateLimited, ErrorCodes.Conflict, HubErrors.InternalCode, HubErrors.UnavailableCode];

    private static HubMessage Rewrite(HubMessage message) =>
        message is CompletionMessage { Error: { } error } completion
            ? CompletionMessage.WithError(completion.InvocationId!, CodeError(error))
            : message;
}

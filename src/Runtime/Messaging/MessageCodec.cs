using Im.Orleans.Catalog;
using Im.Orleans.CodeGeneration;
using Im.Orleans.Runtime;
using Im.Orleans.Serialization;

namespace Im.Orleans.Messaging;

/// <summary>
/// Turns messages into frames for another node and back: a binary header (kind, correlation id, target, method id and name,
/// time left, forward count, request context) followed by each argument as JSON from the source-generated contexts.
/// </summary>
internal sealed class MessageCodec(GrainTypeManager types, GrainSerializer serializer, ExceptionCodec exceptions, TimeProvider time)
{
    public byte[] EncodeRequest(Message message, long correlationId)
    {
        var request = message.Request;
        var writer = new FrameWriter();
        writer.WriteByte((byte)(message.Completion is null ? FrameKind.OneWay : FrameKind.Request));
        writer.WriteInt64(correlationId);
        writer.WriteString(message.Target.Type);
        writer.WriteString(message.Target.Key);
        writer.WriteString(request.InterfaceType.FullName);
        writer.WriteInt32(request.MethodId);
        writer.WriteString(request.MethodName);
        writer.WriteInt32(RemainingMilliseconds(message.Deadline));
        writer.WriteByte((byte)Math.Min(message.ForwardCount, byte.MaxValue));
        RequestContextCodec.Write(writer, message.RequestContextData);
        writer.WriteInt32(request.ArgumentCount);
        for (var i = 0; i < request.ArgumentCount; i++) writer.WriteBlob(serializer.Serialize(request.GetArgument(i), request.GetArgumentType(i)));
        return writer.ToArray();
    }

    /// <summary>Rebuilds a request from after its kind and correlation id; <paramref name="reply"/> sends its response back the way it came.</summary>
    public Message DecodeRequest(ref FrameReader reader, FrameKind kind, long correlationId, Action<byte[]> reply)
    {
        var target = new GrainId(reader.ReadRequiredString(), reader.ReadRequiredString());
        var interfaceType = types.GetInterfaceByName(reader.ReadRequiredString());
        var methodId = reader.ReadInt32();
        var request = types.CreateInvokable(interfaceType, methodId, reader.ReadRequiredString());
        var remaining = reader.ReadInt32();
        var forwardCount = reader.ReadByte();
        var context = RequestContextCodec.Read(ref reader);
        var count = reader.ReadInt32();
        if (count != request.ArgumentCount) throw new FormatException($"{request} takes {request.ArgumentCount} arguments; the frame has {count}.");
        for (var i = 0; i < count; i++) request.SetArgument(i, serializer.Deserialize(reader.ReadBlob(), request.GetArgumentType(i)));

        var completion = kind == FrameKind.Request ? new RemoteResponseCompletion(this, request, correlationId, reply) : null;
        var deadline = remaining < 0 ? 0 : time.GetTimestamp() + remaining * time.TimestampFrequency / 1000;
        return new Message(target, request, completion, deadline, context) { ForwardCount = forwardCount };
    }

    public byte[] EncodeResponse(long correlationId, Invokable request, object? result)
    {
        var writer = new FrameWriter();
        writer.WriteByte((byte)FrameKind.Response);
        writer.WriteInt64(correlationId);
        writer.WriteBlob(request.ResultType is { } type ? serializer.Serialize(result, type) : []);
        return writer.ToArray();
    }

    public byte[] EncodeError(long correlationId, Exception exception)
    {
        var writer = new FrameWriter();
        writer.WriteByte((byte)FrameKind.Error);
        writer.WriteInt64(correlationId);
        exceptions.Write(writer, exception);
        return writer.ToArray();
    }

    /// <summary>The result of a response frame, typed as the waiting request declares it.</summary>
    public object? DecodeResult(ref FrameReader reader, Invokable request)
    {
        var blob = reader.ReadBlob();
        return request.ResultType is { } type ? serializer.Deserialize(blob, type) : null;
    }

    public Exception DecodeError(ref FrameReader reader) => exceptions.Read(ref reader);

    private int RemainingMilliseconds(long deadline)
    {
        if (deadline == 0) return -1;
        var left = (deadline - time.GetTimestamp()) * 1000 / time.TimestampFrequency;
        return (int)Math.Clamp(left, 1, int.MaxValue);
    }
}

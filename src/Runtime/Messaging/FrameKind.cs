namespace Im.Orleans.Messaging;

/// <summary>The first byte of every message frame between nodes.</summary>
internal enum FrameKind : byte
{
    Request = 1,
    OneWay = 2,
    Response = 3,
    Error = 4,
}

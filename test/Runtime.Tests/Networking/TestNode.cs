using System.Net;
using System.Threading.Channels;
using Im.Orleans.Networking;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Runtime.Tests.Networking;

/// <summary>A connection manager on 127.0.0.1 whose frames and connection events land in channels a test can await.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    public TestNode(string nodeId, string clusterId = "cluster", Action<NetworkingOptions>? configure = null, TimeProvider? time = null,
        Action<FrameConnection, ReadOnlyMemory<byte>>? handler = null)
    {
        Options = new NetworkingOptions();
        configure?.Invoke(Options);
        Identity = new NodeIdentity(nodeId, NodeIdentity.SiloRole);
        Manager = new ConnectionManager(Identity, clusterId, Microsoft.Extensions.Options.Options.Create(Options), time ?? TimeProvider.System, Log);
        Manager.SetFrameHandler(handler ?? ((c, payload) => Received.Writer.TryWrite((c, payload.ToArray()))));
        Manager.ConnectionEstablished += c => Established.Writer.TryWrite(c);
        Manager.ConnectionLost += c =>
        {
            Interlocked.Increment(ref _lostCount);
            Lost.Writer.TryWrite(c);
        };
    }

    private int _lostCount;

    public NodeIdentity Identity { get; }

    public RecordingLogger Log { get; } = new();

    public NetworkingOptions Options { get; }

    public ConnectionManager Manager { get; }

    public Channel<(FrameConnection Connection, byte[] Payload)> Received { get; } = Channel.CreateUnbounded<(FrameConnection, byte[])>();

    public Channel<FrameConnection> Established { get; } = Channel.CreateUnbounded<FrameConnection>();

    public Channel<FrameConnection> Lost { get; } = Channel.CreateUnbounded<FrameConnection>();

    public int LostCount => Volatile.Read(ref _lostCount);

    public IPEndPoint Listen() => Manager.Listen(new IPEndPoint(IPAddress.Loopback, 0)).LocalEndPoint;

    public Task<FrameConnection> DialAsync(TestNode target, IPEndPoint endpoint) =>
        Manager.GetOrConnectAsync(target.Identity.NodeId, endpoint, CancellationToken.None).WaitAsync(Guard);

    public async Task<T> NextAsync<T>(Channel<T> channel) => await channel.Reader.ReadAsync().AsTask().WaitAsync(Guard);

    public ValueTask DisposeAsync() => Manager.DisposeAsync();
}

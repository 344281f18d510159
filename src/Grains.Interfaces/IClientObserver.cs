namespace Im.Orleans.Grains;

/// <summary>
/// A gateway's observer: conversations (messages) and user grains (every other event) push client events through it
/// to connections on that gateway. Orleans does not keep one-way messages in order, so each sender sends one batch at
/// a time and waits for the answer before the next, outside its turns (a slow or dead gateway never blocks a grain);
/// the gateway answers once the events are handed to SignalR. Pushes are best effort: a client that missed one
/// recovers it with Sync.
/// </summary>
[Alias("im.IClientObserver")]
public interface IClientObserver : IGrainObserver
{
    /// <summary>Sends each event to its connections, in the order given.</summary>
    [ResponseTimeout("00:00:05"), Alias("Push")] Task Push(ClientPush[] pushes);
}

/// <summary>One client event (see <see cref="ClientEventNames"/>) for some connections on a gateway.</summary>
[GenerateSerializer, Immutable, Alias("im.ClientPush")]
public sealed record ClientPush(string[] ConnectionIds, string Event, object Payload);

/// <summary>
/// Where some of a user's live connections are: one gateway and the user's connection ids on it. A user grain returns
/// its routes from <c>Deliver</c> so the conversation can push later messages to the gateways itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("im.GatewayRoute")]
public sealed record GatewayRoute(string GatewayId, IClientObserver Gateway, string[] ConnectionIds);

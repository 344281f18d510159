namespace Im.Orleans.Grains.Tests;

/// <summary>Typed views of what a captured gateway observer received.</summary>
internal static class Events
{
    public static IReadOnlyList<T> Of<T>(this ObserverCapture gateway, string method) =>
        gateway.CallsTo(method).Select(args => (T)args[1]!).ToList();

    public static IReadOnlyList<(string[] Connections, T Event)> WithTargets<T>(this ObserverCapture gateway, string method) =>
        gateway.CallsTo(method).Select(args => ((string[])args[0]!, (T)args[1]!)).ToList();

    public static IReadOnlyList<UnreadEvent> Unread(this ObserverCapture gateway) => gateway.Of<UnreadEvent>(ClientEventNames.Unread);

    public static IReadOnlyList<Message> Messages(this ObserverCapture gateway) => gateway.Of<Message>(ClientEventNames.Message);

    public static IReadOnlyList<PresenceView> Presence(this ObserverCapture gateway) => gateway.Of<PresenceView>(ClientEventNames.Presence);
}

using System.Reflection;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// The hub methods of <see cref="ChatHub"/> as SignalR finds them (public methods the hub itself declares, not the
/// lifecycle overrides), by name ignoring case as SignalR matches them. Metrics name an operation by its canonical
/// method name and everything else "unknown", so a client sending made-up or re-cased names cannot grow the set.
/// </summary>
public static class ChatHubMethods
{
    /// <summary>The operation of a call to a method the hub does not have.</summary>
    public const string Unknown = "unknown";

    private static readonly Dictionary<string, (string Name, string[] Parameters)> ByName = typeof(ChatHub)
        .GetMethods(BindingFlags.Public | BindingFlags.Instance)
        .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(ChatHub))
        .ToDictionary(m => m.Name, m => (m.Name, m.GetParameters().Select((p, i) => p.Name ?? $"argument {i + 1}").ToArray()),
            StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical name of the hub method <paramref name="target"/> names, or <see cref="Unknown"/>.</summary>
    public static string Operation(string? target) =>
        target is not null && ByName.TryGetValue(target, out var method) ? method.Name : Unknown;

    /// <summary>The name of a method's parameter, as refusals name arguments ("argument N" past the end).</summary>
    public static string ParameterName(string? target, int index) =>
        target is not null && ByName.TryGetValue(target, out var method) && index < method.Parameters.Length
            ? method.Parameters[index]
            : $"argument {index + 1}";
}

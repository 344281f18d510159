using System.Collections.Immutable;

namespace Im.Orleans.Runtime;

/// <summary>
/// Ambient key/value pairs that flow with grain calls, from caller to callee and on down the call chain
/// (trace ids, the acting user). Values sent to another process must be serializable strings or primitives.
/// </summary>
public static class RequestContext
{
    private static readonly AsyncLocal<ImmutableDictionary<string, object>?> s_current = new();

    public static object? Get(string key) => s_current.Value is { } values && values.TryGetValue(key, out var value) ? value : null;

    public static void Set(string key, object value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        s_current.Value = (s_current.Value ?? ImmutableDictionary<string, object>.Empty).SetItem(key, value);
    }

    public static bool Remove(string key)
    {
        if (s_current.Value is not { } values || !values.ContainsKey(key)) return false;
        s_current.Value = values.Remove(key);
        return true;
    }

    public static void Clear() => s_current.Value = null;

    public static IEnumerable<string> Keys => s_current.Value?.Keys ?? [];

    /// <summary>The values to send with an outgoing call, or null when there are none.</summary>
    internal static IReadOnlyDictionary<string, object>? Export() => s_current.Value is { Count: > 0 } values ? values : null;

    /// <summary>Installs an incoming call's values for the duration of its invocation; returns what to restore.</summary>
    internal static ImmutableDictionary<string, object>? Enter(IReadOnlyDictionary<string, object>? incoming)
    {
        var previous = s_current.Value;
        if (incoming is null && previous is null) return null;
        s_current.Value = incoming as ImmutableDictionary<string, object> ?? incoming?.ToImmutableDictionary();
        return previous;
    }

    internal static void Exit(ImmutableDictionary<string, object>? previous)
    {
        if (!ReferenceEquals(s_current.Value, previous)) s_current.Value = previous;
    }
}

using System.Text.Json;

namespace Im.Orleans.Gateway.Hubs;

/// <summary>
/// Reads hub arguments from raw JSON. Hub methods take <see cref="JsonElement"/> rather than typed parameters because
/// SignalR answers a type mismatch with its own uncoded binding error; reading them here turns every bad argument
/// into "invalid: ..." naming the argument.
/// </summary>
public static class HubArguments
{
    public const int MaxIdLength = 200;

    public static string Id(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String) throw HubErrors.Invalid($"{name} must be a string");
        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > MaxIdLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw HubErrors.Invalid($"{name} must be 1-{MaxIdLength} characters without spaces");
        return text;
    }

    public static string UserId(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String || !Auth.UserIdRules.IsValid(value.GetString()))
            throw HubErrors.Invalid($"{name} must be a user id (3-64 characters of A-Z a-z 0-9 _ . @ -)");
        return value.GetString()!;
    }

    public static string[] UserIds(JsonElement value, string name, int maxCount, bool allowEmpty)
    {
        if (value.ValueKind != JsonValueKind.Array) throw HubErrors.Invalid($"{name} must be an array of user ids");
        var count = value.GetArrayLength();
        if (count > maxCount) throw HubErrors.Invalid($"{name} may hold at most {maxCount} user ids");
        if (count == 0 && !allowEmpty) throw HubErrors.Invalid($"{name} must not be empty");
        var ids = new List<string>(count);
        foreach (var item in value.EnumerateArray()) ids.Add(UserId(item, name));
        return ids.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static long Long(JsonElement value, string name, long min, long max = long.MaxValue)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
            throw HubErrors.Invalid(max == long.MaxValue ? $"{name} must be an integer >= {min}" : $"{name} must be an integer from {min} to {max}");
        return number;
    }

    public static int Int(JsonElement value, string name, int min, int max) => (int)Long(value, name, min, max);

    public static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw HubErrors.Invalid($"{name} must be true or false"),
    };

    public static string Text(JsonElement value, string name, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String) throw HubErrors.Invalid($"{name} must be a string");
        var text = value.GetString()!;
        if (text.Length > maxLength) throw HubErrors.Invalid($"{name} must be at most {maxLength} characters");
        return text;
    }

    public static JsonElement Object(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object ? value : throw HubErrors.Invalid($"{name} must be an object");

    /// <summary>An object's property by its camelCase name; absent and null both mean "not given".</summary>
    public static JsonElement? Optional(JsonElement obj, string property) =>
        obj.TryGetProperty(property, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value : null;

    public static JsonElement Required(JsonElement obj, string property) =>
        Optional(obj, property) ?? throw HubErrors.Invalid($"{property} is required");

    /// <summary>
    /// The name of the first string or property name in <paramref name="value"/> that is not Unicode text (a lone
    /// surrogate escape such as "\ud83d", or bytes that are not UTF-8), or null when all are. Such text cannot even be
    /// read (<see cref="JsonElement.GetString"/> throws), so the hub protocol screens every argument with this before
    /// a method runs. A value is named by its property, a property name by its object, an array item by its array.
    /// </summary>
    public static string? FindInvalidText(JsonElement value, string name)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return IsUnicode(value, static v => v.GetString()) ? null : name;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (FindInvalidText(item, name) is { } found) return found;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!IsUnicode(property, static p => p.Name)) return name;
                    if (FindInvalidText(property.Value, property.Name) is { } found) return found;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsUnicode<T>(T value, Func<T, string?> read)
    {
        try
        {
            read(value);
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json's answer to text it cannot transcode to UTF-16 (invalid UTF-8 or an unpaired surrogate).
            return false;
        }
    }
}

using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Im.Orleans.Gateway.Tests.Infrastructure;

/// <summary>
/// What the official .NET client's MessagePack protocol makes of a payload bound as object (maps, arrays, strings,
/// numbers of whatever width, booleans, nil), as JSON: the tests then compare it with what JSON clients get.
/// </summary>
public static class MessagePackValues
{
    /// <summary>The value as JSON; null (a void result, or nil) is the undefined element, as a JSON client sees no result.</summary>
    public static JsonElement ToJson(object? value) =>
        value is null ? default : JsonSerializer.SerializeToElement(ToNode(value));

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong large => JsonValue.Create(large),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        IDictionary map => new JsonObject(map.Keys.Cast<object>().Select(key => KeyValuePair.Create((string)key, ToNode(map[key])))),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => throw new InvalidOperationException($"MessagePack gave a {value.GetType()}, which no payload of the protocol holds"),
    };
}

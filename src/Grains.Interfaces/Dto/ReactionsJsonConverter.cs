using System.Text.Json;
using System.Text.Json.Serialization;

namespace Im.Orleans.Grains;

/// <summary>
/// Writes a message's reactions as an object of emoji to user ids, and {} for a message without any (rows and caches
/// keep null then), so clients always get an object.
/// </summary>
public sealed class ReactionsJsonConverter : JsonConverter<IReadOnlyDictionary<string, IReadOnlyList<string>>?>
{
    public override bool HandleNull => true;

    public override IReadOnlyDictionary<string, IReadOnlyList<string>>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("reactions must be an object");
        var reactions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var emoji = reader.GetString() ?? throw new JsonException("reactions key");
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("reactions values must be arrays");
            var users = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) users.Add(reader.GetString() ?? throw new JsonException("reactions user id"));
            reactions[emoji] = users;
        }
        return reactions.Count == 0 ? null : reactions;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, IReadOnlyList<string>>? value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (emoji, users) in value ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            writer.WritePropertyName(emoji);
            writer.WriteStartArray();
            foreach (var user in users) writer.WriteStringValue(user);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using Im.Orleans.Runtime;

namespace Im.Orleans.Messaging;

/// <summary>
/// Carries a grain's exception to the caller in another process: its type, message and public string properties
/// (such as an error code). The caller rebuilds the same type through a constructor whose string parameters match
/// those names, so <c>catch (ChatException e)</c> works across processes; otherwise it gets a <see cref="RemoteGrainException"/>.
/// </summary>
internal sealed class ExceptionCodec
{
    private readonly ConcurrentDictionary<Type, PropertyInfo[]> _properties = new();
    private readonly ConcurrentDictionary<string, Type?> _types = new(StringComparer.Ordinal);

    public void Write(FrameWriter writer, Exception exception)
    {
        var type = exception.GetType();
        writer.WriteString($"{type.FullName}, {type.Assembly.GetName().Name}");
        writer.WriteString(exception.Message);
        var properties = _properties.GetOrAdd(type, static t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.DeclaringType != typeof(Exception) && p.GetIndexParameters().Length == 0)]);
        writer.WriteInt32(properties.Length);
        foreach (var property in properties)
        {
            writer.WriteString(property.Name);
            writer.WriteString(property.GetValue(exception) as string);
        }
    }

    public Exception Read(ref FrameReader reader)
    {
        var typeName = reader.ReadRequiredString();
        var message = reader.ReadString() ?? "";
        var count = reader.ReadInt32();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["message"] = message };
        for (var i = 0; i < count; i++) values[reader.ReadRequiredString()] = reader.ReadString();
        return Rebuild(typeName, values) ?? new RemoteGrainException(typeName.Split(',')[0], message);
    }

    private Exception? Rebuild(string typeName, Dictionary<string, string?> values)
    {
        var type = _types.GetOrAdd(typeName, static name => Type.GetType(name, throwOnError: false) is { } t && typeof(Exception).IsAssignableFrom(t) ? t : null);
        if (type is null) return null;
        foreach (var constructor in type.GetConstructors().OrderByDescending(c => c.GetParameters().Length))
        {
            var parameters = constructor.GetParameters();
            if (parameters.Length == 0 || !parameters.All(p => p.ParameterType == typeof(string) && p.Name is not null && values.ContainsKey(p.Name))) continue;
            try
            {
                return (Exception)constructor.Invoke([.. parameters.Select(p => values[p.Name!])]);
            }
            catch (TargetInvocationException)
            {
                // The constructor rejected the values (e.g. a null it validates); try a simpler one.
            }
        }
        return null;
    }
}

namespace Im.Orleans.Storage;

/// <summary>The value a grain sees when nothing (or a cleared record) is stored.</summary>
internal static class NewState<T>
{
    // Decided once per T: reflection on every read would show up in hot read paths.
    private static readonly bool HasParameterlessConstructor =
        !typeof(T).IsValueType && !typeof(T).IsAbstract && typeof(T).GetConstructor(Type.EmptyTypes) is not null;

    public static T Create() => HasParameterlessConstructor ? Activator.CreateInstance<T>() : default!;
}

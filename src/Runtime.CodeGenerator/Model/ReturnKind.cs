namespace Im.Orleans.CodeGenerator.Model
{
    /// <summary>The supported return shapes of a grain method.</summary>
    internal enum ReturnKind
    {
        Void,
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }
}

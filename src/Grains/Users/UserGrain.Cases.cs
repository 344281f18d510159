namespace Im.Orleans.Grains.Users;

/// <summary>Service cases: the visitor's attributes and card, and the case events relayed to staff devices.</summary>
internal sealed partial class UserGrain : Grain
{
    public async Task SetAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (VisitorAttributes.Problem(attributes) is { } problem) throw ChatException.Invalid(problem);
        if (attributes.Count == State.Attributes.Count && attributes.All(p => State.Attributes.TryGetValue(p.Key, out var v) && v == p.Value)) return;
        State.Attributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        await SaveAsync();
    }

    public Task<VisitorCard> GetVisitorCard() =>
        Task.FromResult(new VisitorCard(State.DisplayName ?? UserId, new Dictionary<string, string>(State.Attributes, StringComparer.Ordinal)));

    public Task PushNote(ServiceNote note)
    {
        Push(ClientEventNames.Note, note);
        return Task.CompletedTask;
    }

    public Task PushCase(ServiceCase serviceCase)
    {
        Push(ClientEventNames.Case, serviceCase);
        return Task.CompletedTask;
    }
}

using Xunit;

namespace Im.Orleans.Grains.Tests;

/// <summary>One <see cref="ChatSilo"/> shared by the tests of a class (xunit class fixture); tests keep apart by <see cref="ChatSilo.Id"/>.</summary>
public sealed class SharedChatSilo : IAsyncLifetime
{
    private ChatSilo? _chat;

    internal ChatSilo Chat => _chat ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync() => _chat = await ChatSilo.StartAsync();

    public async Task DisposeAsync()
    {
        if (_chat is not null) await _chat.DisposeAsync();
    }
}

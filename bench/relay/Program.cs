// The bare SignalR relay of bench/run.sh: it speaks the part of our protocol that bench/chat-load/load.js uses
// (guest sign-in, CreateGroup, Send, the `message` push) and stores nothing, so it shows what a relay costs on this
// machine with nothing made durable. Any token is accepted: the token is the user id.
using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Im.Orleans.Bench.Relay;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSignalR();
builder.Services.AddSingleton<Routes>();
var app = builder.Build();
app.UseWebSockets();

app.MapPost("/api/auth/guest", () =>
{
    var userId = $"u-{Guid.NewGuid():N}";
    return Results.Ok(new { userId, token = userId, expiresAt = DateTimeOffset.UtcNow.AddHours(1) });
});
app.MapGet("/health/ready", () => Results.Ok("ready"));
app.MapHub<RelayHub>("/hubs/chat");
app.Run();

namespace Im.Orleans.Bench.Relay
{
    /// <summary>Who is connected where and each conversation's next seq: routing only, no message is kept.</summary>
    internal sealed class Routes
    {
        public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> ConnectionsByUser { get; } = new();
        public ConcurrentDictionary<string, long[]> Seqs { get; } = new();
    }

    public sealed record CreateGroupRequest(string? Title, string[]? MemberIds);
    public sealed record SendRequest(string ConversationId, string ClientMsgId, string? Kind, string? Text);

    internal sealed class RelayHub(Routes routes) : Hub
    {
        private string UserId => (string)Context.Items["user"]!;

        public override Task OnConnectedAsync()
        {
            // The official client sends the token in the query for WebSockets and in the header otherwise.
            var http = Context.GetHttpContext()!;
            var token = http.Request.Query["access_token"].ToString();
            if (token.Length == 0) token = http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
            if (token.Length == 0) throw new HubException("forbidden: no token");
            Context.Items["user"] = token;
            routes.ConnectionsByUser.GetOrAdd(token, _ => new()).TryAdd(Context.ConnectionId, 0);
            return Task.CompletedTask;
        }

        public override Task OnDisconnectedAsync(Exception? exception)
        {
            if (routes.ConnectionsByUser.TryGetValue(UserId, out var connections)) connections.TryRemove(Context.ConnectionId, out _);
            return Task.CompletedTask;
        }

        public async Task<object> CreateGroup(CreateGroupRequest request)
        {
            var conversationId = $"c-{Guid.NewGuid():N}";
            routes.Seqs[conversationId] = new long[1];
            var members = (request.MemberIds ?? []).Append(UserId).Distinct().ToArray();
            foreach (var member in members)
            {
                if (!routes.ConnectionsByUser.TryGetValue(member, out var connections)) continue;
                foreach (var connectionId in connections.Keys) await Groups.AddToGroupAsync(connectionId, conversationId);
            }
            return new { conversationId, kind = "group", title = request.Title, memberIds = members };
        }

        public async Task<object> Send(SendRequest request)
        {
            if (!routes.Seqs.TryGetValue(request.ConversationId, out var counter)) throw new HubException("not_found: conversation");
            var seq = Interlocked.Increment(ref counter[0]);
            var messageId = $"{request.ConversationId}:{seq}";
            var sentAt = DateTimeOffset.UtcNow;
            var message = new
            {
                conversationId = request.ConversationId, seq, messageId, clientMsgId = request.ClientMsgId,
                senderId = UserId, kind = request.Kind ?? "text", text = request.Text, sentAt,
            };
            // Every member's connections, the sender's too, as our gateway does.
            await Clients.Group(request.ConversationId).SendAsync("message", message);
            return new { conversationId = request.ConversationId, seq, messageId, clientMsgId = request.ClientMsgId, sentAt, duplicate = false };
        }
    }
}

using Im.Orleans.Gateway.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// JwtBearer for our tokens: taken from Authorization: Bearer, from ?access_token= (browsers cannot set headers on
/// WebSockets, EventSource or img), or on the dashboard's pages from its cookie; refusals answer our JSON errors.
/// </summary>
internal sealed class ChatJwtBearer(TokenService tokens) : IConfigureNamedOptions<JwtBearerOptions>
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != Scheme) return;
        options.MapInboundClaims = false;
        options.TokenValidationParameters = tokens.ValidationParameters();
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                var request = context.Request;
                if (!string.IsNullOrEmpty(request.Headers.Authorization)) return Task.CompletedTask;
                string? query = request.Query["access_token"];
                context.Token = !string.IsNullOrEmpty(query) ? query : OperatorDashboard.TokenFromCookie(request);
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var principal = TokenService.ToChatPrincipal(context.Principal!, Scheme);
                if (principal is null) context.Fail("the token carries no valid user id or role");
                else context.Principal = principal;
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsJsonAsync(ErrorResponse.Unauthorized("a valid token is required"));
            },
            OnForbidden = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(ErrorResponse.Forbidden("this needs another role"));
            },
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}

using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>Registers what guards the sign-in endpoints: budgets per address and account, the sign-in cookie, password checks.</summary>
internal static class SignInServices
{
    public static IServiceCollection AddSignInProtection(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var (scope, section, perMinute, burst) in SignInThrottle.Scopes)
        {
            services.AddOptions<SignInRateLimitOptions>(scope)
                .Configure(o => (o.PerMinute, o.Burst) = (perMinute, burst))
                .Bind(configuration.GetSection(section))
                .Validate(o => o.IsValid, $"{section}: PerMinute must be positive and Burst at least 1.")
                .ValidateOnStart();
        }
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordSignIn>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInCookie>();
        return services;
    }
}

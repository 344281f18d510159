using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// The "im_signin" cookie a browser gets when it registers or signs in: the time and an HMAC of (user id, time). It
/// proves that this browser knew the account's password not long ago, so login lets it past the account's budget of
/// attempts: someone failing on an account from elsewhere can slow down new devices but cannot lock its owner's
/// browser out. Every gateway derives the same key from the shared signing key, so any of them accepts it.
/// </summary>
internal sealed class SignInCookie
{
    public const string Name = "im_signin";
    private const string CookiePath = "/api/auth";

    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public SignInCookie(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider time)
    {
        // A key of its own, so a cookie's MAC can never pass for a token signature.
        _key = HMACSHA256.HashData(keys.Key.Key, "im-orleans sign-in cookie"u8);
        _lifetime = options.Value.SignInCookieLifetime;
        _time = time;
    }

    public void Issue(HttpContext context, string userId)
    {
        var issued = _time.GetUtcNow().ToUnixTimeSeconds();
        context.Response.Cookies.Append(Name, issued.ToString(CultureInfo.InvariantCulture) + "." + Mac(userId, issued), new CookieOptions
        {
            Path = CookiePath,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            MaxAge = _lifetime,
            IsEssential = true,
        });
    }

    /// <summary>True when the request carries a cookie issued to this user id within the lifetime.</summary>
    public bool Vouches(HttpRequest request, string userId)
    {
        if (!request.Cookies.TryGetValue(Name, out var value) || value.Split('.') is not [var issuedText, var mac]) return false;
        if (!long.TryParse(issuedText, NumberStyles.None, CultureInfo.InvariantCulture, out var issued)) return false;
        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(issued, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (age < TimeSpan.Zero || age > _lifetime) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(Mac(userId, issued)));
    }

    private string Mac(string userId, long issued) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(issued.ToString(CultureInfo.InvariantCulture) + "\n" + userId)));
}

using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>PBKDF2-SHA256 with a per-user random salt; comparison in constant time.</summary>
public sealed class PasswordHasher(IOptions<AuthOptions> options)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public PasswordHash Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var iterations = options.Value.Pbkdf2Iterations;
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return new PasswordHash(Convert.ToBase64String(hash), Convert.ToBase64String(salt), iterations);
    }

    public static bool Verify(string password, PasswordHash stored)
    {
        var expected = Convert.FromBase64String(stored.Hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(stored.Salt), stored.Iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}

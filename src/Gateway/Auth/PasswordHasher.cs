using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Im.Orleans.Gateway.Auth;

/// <summary>The key derivation behind <see cref="PasswordHasher"/> (PBKDF2-SHA256); tests count its calls.</summary>
internal delegate byte[] DeriveKey(string password, byte[] salt, int iterations, int length);

/// <summary>
/// PBKDF2-SHA256 with a per-user random salt; comparison in constant time. At most
/// <see cref="AuthOptions.MaxConcurrentPasswordChecks"/> derivations run at once, so a burst of logins queues instead
/// of taking every core from the hub.
/// </summary>
internal sealed class PasswordHasher : IDisposable
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly DeriveKey _derive;
    private readonly int _iterations;
    private readonly SemaphoreSlim _slots;
    private readonly PasswordHash _dummy;

    public PasswordHasher(IOptions<AuthOptions> options) : this(options, Pbkdf2)
    {
    }

    internal PasswordHasher(IOptions<AuthOptions> options, DeriveKey derive)
    {
        _derive = derive;
        _iterations = options.Value.Pbkdf2Iterations;
        var slots = options.Value.ConcurrentPasswordChecks();
        _slots = new SemaphoreSlim(slots, slots);
        // Random bytes no password derives to, with the salt size and iteration count of a real hash: checking a
        // password against it costs exactly what checking against an account does.
        _dummy = new PasswordHash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(HashBytes)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(SaltBytes)), _iterations);
    }

    public Task<PasswordHash> HashAsync(string password, CancellationToken cancellationToken) => RunAsync(() =>
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = _derive(password, salt, _iterations, HashBytes);
        return new PasswordHash(Convert.ToBase64String(hash), Convert.ToBase64String(salt), _iterations);
    }, cancellationToken);

    /// <summary>
    /// True when the password matches. With no stored hash (no such account) the password is checked against a dummy
    /// hash of the same cost and the answer is false, so an unknown id takes as long as a wrong password.
    /// </summary>
    public Task<bool> VerifyAsync(string password, PasswordHash? stored, CancellationToken cancellationToken) => RunAsync(() =>
    {
        var against = stored ?? _dummy;
        var expected = Convert.FromBase64String(against.Hash);
        var actual = _derive(password, Convert.FromBase64String(against.Salt), against.Iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(expected, actual) && stored is not null;
    }, cancellationToken);

    public void Dispose() => _slots.Dispose();

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return work();
        }
        finally
        {
            _slots.Release();
        }
    }

    private static byte[] Pbkdf2(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length);
}

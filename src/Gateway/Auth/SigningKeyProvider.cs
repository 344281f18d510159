using System.Security.Cryptography;
using Im.Orleans.Gateway.Hosting;
using Im.Orleans.Grains.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Im.Orleans.Gateway.Auth;

/// <summary>
/// The HS256 key: the configured one, or one generated on first start and kept in the data directory so tokens
/// survive restarts (the embedded default needs no configuration).
/// </summary>
public sealed class SigningKeyProvider
{
    private const string FileName = "jwt-signing.key";
    private const int KeyBytes = 32;

    public SigningKeyProvider(IOptions<AuthOptions> auth, IOptions<DataOptions> data, ILogger<SigningKeyProvider> logger)
    {
        var configured = auth.Value.SigningKey;
        var bytes = string.IsNullOrWhiteSpace(configured) ? LoadOrCreate(data.Value.EnsureFullPath(), logger) : Convert.FromBase64String(configured);
        if (bytes.Length < KeyBytes) throw new OptionsValidationException(AuthOptions.SectionName, typeof(AuthOptions), ["Auth:SigningKey must be base64 of at least 32 bytes."]);
        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexString(SHA256.HashData(bytes))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

    private static byte[] LoadOrCreate(string directory, ILogger logger)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var bytes = RandomNumberGenerator.GetBytes(KeyBytes);
        // Write to a temporary file and move it so a crash never leaves a truncated key behind.
        var temp = path + ".tmp";
        // Private from its creation, not chmod-ed after writing: there is no moment when another user could read it.
        File.Delete(temp);
        using (var writer = new StreamWriter(temp, System.Text.Encoding.ASCII, PrivateFiles.NewFile(FileMode.CreateNew, FileAccess.Write)))
            writer.Write(Convert.ToBase64String(bytes));
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            // Another process created it first: use theirs so both sign with the same key.
            File.Delete(temp);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        logger.LogInformation("Generated a JWT signing key at {Path}", path);
        return bytes;
    }
}

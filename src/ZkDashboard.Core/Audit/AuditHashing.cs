using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ZkDashboard.Core.Audit;

/// <summary>
/// The hash chain: <c>Hash = SHA-256(PrevHash as ASCII hex ‖ canonical(row))</c>. The canonical form lists every column
/// except the two hashes in a fixed order, each as a 4-byte big-endian length (-1: null) and its bytes (strings as UTF-8,
/// numbers as invariant decimal text, content as its raw bytes).
/// </summary>
public static class AuditHashing
{
    /// <summary>The previous hash of the very first record.</summary>
    public static string Genesis { get; } = new('0', 64);

    /// <summary>The hash <paramref name="row"/> must carry given its <see cref="AuditRecordRow.PrevHash"/>.</summary>
    public static string Compute(AuditRecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(row.PrevHash));
        var len = new byte[4];
        void Bytes(ReadOnlySpan<byte> value, bool isNull)
        {
            BinaryPrimitives.WriteInt32BigEndian(len, isNull ? -1 : value.Length);
            hash.AppendData(len);
            hash.AppendData(value);
        }
        void Text(string? value) => Bytes(value is null ? default : Encoding.UTF8.GetBytes(value), value is null);
        void Number(long? value) => Text(value?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Number(row.Id);
        Number(row.AtMs);
        Text(row.User);
        Text(row.Provider);
        Text(row.ClientIp);
        Text(row.UserAgent);
        Text(row.RequestId);
        Text(row.Ensemble);
        Text(row.Operation);
        Text(row.Path);
        Text(row.TargetEnsemble);
        Text(row.TargetPath);
        Number(row.ExpectedVersion);
        Number(row.ResultVersion);
        Number(row.ResultMzxid);
        Number(row.SizeBefore);
        Number(row.SizeAfter);
        Text(row.Sha256Before);
        Text(row.Sha256After);
        Bytes(row.DataBefore, row.DataBefore is null);
        Bytes(row.DataAfter, row.DataAfter is null);
        Text(row.AclBefore);
        Text(row.AclAfter);
        Text(row.Reason);
        Number(row.Outcome);
        Text(row.Detail);
        Number(row.Done);
        Number(row.Total);
        Number(row.LinkedId);
        Number(row.RestoredFromId);
        Number(row.LinkedNodeVersionId);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}

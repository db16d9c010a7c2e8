namespace ZkDashboard.Sandbox.Demo;

/// <summary>Where the demo data lives, and the credentials of its protected nodes.</summary>
public static class DemoPaths
{
    /// <summary>Digest user that may read and write the digest-protected nodes.</summary>
    public const string DigestUser = "admin";

    /// <summary>Password of <see cref="DigestUser"/>.</summary>
    public const string DigestPassword = "admin-secret";

    /// <summary>An address no client here has: the node ACL'd to it cannot be read from this machine.</summary>
    public const string ForeignIp = "10.20.30.40";

    public const string Status = "/demo/status";
    public const string Big = "/demo/big";
    public const int BigChildren = 10_000;
    public const string DataAndChildren = "/configs/checkout";
    public const string Election = "/demo/election/checkout-leader";
    public const string Lock = "/demo/locks/inventory-rebalance";
    public const string Queue = "/demo/queue/orders";
    public const string DigestProtected = "/secure/digest-protected";
    public const string DigestWriteOnly = "/secure/world-read-admin-write";
    public const string IpLocalhost = "/secure/ip-localhost";
    public const string IpLocked = "/secure/ip-locked";
    public const string Binary = "/configs/checkout/keystore.bin";
    public const string Ttl = "/demo/ttl/session-cache";
    public const string KafkaBrokers = "/brokers/ids";
    public const string KafkaController = "/controller";
    public const string S4Tasks = "/s4/s4/tasks";
    public const string S4Process = "/s4/s4/process";
}

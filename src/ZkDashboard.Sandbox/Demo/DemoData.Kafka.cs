using System.Globalization;
using ZkDashboard.ZooKeeper;

namespace ZkDashboard.Sandbox.Demo;

public sealed partial class DemoData
{
    private static readonly (string Name, int Partitions)[] Topics = [("orders", 6), ("payments", 3), ("audit-log", 1), ("__consumer_offsets", 10)];

    /// <summary>Kafka's ZooKeeper layout (as of Kafka 3.x in ZooKeeper mode): brokers register ephemeral JSON nodes from
    /// their own sessions; broker 1 holds /controller.</summary>
    private async Task SeedKafkaAsync(CancellationToken ct)
    {
        await PutAsync("/cluster/id", """{"version":"1","id":"q3Kx0b9bT2S7rVw1mZ8yPA"}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/controller_epoch", "7", ct: ct).ConfigureAwait(false);
        await PutAsync("/brokers/seqid", "", ct: ct).ConfigureAwait(false);
        await PutAsync("/feature", """{"features":{},"version":2,"status":1}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/latest_producer_id_block", """{"version":1,"broker":1,"block_start":"2000","block_end":"2999"}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/admin/delete_topics", "", ct: ct).ConfigureAwait(false);
        await PutAsync("/isr_change_notification", "", ct: ct).ConfigureAwait(false);
        await PutAsync("/log_dir_event_notification", "", ct: ct).ConfigureAwait(false);
        await PutAsync("/config/changes", "", ct: ct).ConfigureAwait(false);
        await PutAsync("/config/brokers/<default>", """{"version":1,"config":{"log.cleaner.threads":"2"}}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/consumers", "", ct: ct).ConfigureAwait(false);

        var topicIds = new[] { "h8Vd2VYcR7W3kQk0x1jS4A", "Zx81kLmPQ2a9Tn6bYc0dEw", "mN4pQr7sT0uV2wX5yZ8a1B", "c0nsUm3r0ffs3tsT0p1cA" };
        for (var t = 0; t < Topics.Length; t++)
        {
            var (name, partitions) = Topics[t];
            var assignment = string.Join(',', Enumerable.Range(0, partitions).Select(p => $"\"{p}\":[{Replica(p, 0)},{Replica(p, 1)},{Replica(p, 2)}]"));
            await PutAsync($"/brokers/topics/{name}", $$"""{"partitions":{{{assignment}}},"topic_id":"{{topicIds[t]}}","adding_replicas":{},"removing_replicas":{},"version":3}""", ct: ct).ConfigureAwait(false);
            var retention = name == "__consumer_offsets" ? "\"cleanup.policy\":\"compact\"" : "\"retention.ms\":\"604800000\",\"cleanup.policy\":\"delete\"";
            await PutAsync($"/config/topics/{name}", "{\"version\":1,\"config\":{" + retention + "}}", ct: ct).ConfigureAwait(false);
            for (var p = 0; p < partitions; p++)
            {
                var state = $$"""{"controller_epoch":7,"leader":{{Replica(p, 0)}},"version":1,"leader_epoch":{{3 + p}},"isr":[{{Replica(p, 0)}},{{Replica(p, 1)}},{{Replica(p, 2)}}]}""";
                await PutAsync($"/brokers/topics/{name}/partitions/{p}/state", state, ct: ct).ConfigureAwait(false);
            }
        }

        for (var id = 1; id <= 3; id++)
        {
            var session = await ConnectAsync(ct).ConfigureAwait(false);
            var broker = $$"""{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","SSL":"SSL"},"endpoints":["PLAINTEXT://kafka-{{id}}.internal:9092","SSL://kafka-{{id}}.internal:9093"],"rack":"eu-west-1{{(char)('a' + id - 1)}}","jmx_port":9999,"port":9092,"host":"kafka-{{id}}.internal","version":5,"timestamp":"{{NowMillis()}}"}""";
            await PutAsync($"{DemoPaths.KafkaBrokers}/{id}", broker, CreateMode.Ephemeral, session: session, ct: ct).ConfigureAwait(false);
            if (id == 1)
            {
                await PutAsync(DemoPaths.KafkaController, $$"""{"version":2,"brokerid":1,"timestamp":"{{NowMillis()}}","kraftControllerEpoch":-1}""", CreateMode.Ephemeral, session: session, ct: ct).ConfigureAwait(false);
            }
        }

        _log("demo: Kafka layout seeded (/brokers, /controller, /config, /cluster)");
    }

    private static int Replica(int partition, int index) => ((partition + index) % 3) + 1;

    /// <summary>Apache S4's cluster layout: persistent task nodes, and ephemeral process nodes claimed by live S4 nodes.</summary>
    private async Task SeedS4Async(CancellationToken ct)
    {
        await PutAsync("/s4/s4", """{"cluster":"s4","partitions":4,"listenerPortBase":1300}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/s4/s4/app/s4App", """{"name":"twitter-counter","uri":"file:///opt/s4/apps/twitter-counter.s4r","modules":["org.apache.s4.example.twitter.TwitterModule"]}""", ct: ct).ConfigureAwait(false);
        await PutAsync("/s4/s4/errors", "", ct: ct).ConfigureAwait(false);
        var node = await ConnectAsync(ct).ConfigureAwait(false);
        for (var i = 0; i < 4; i++)
        {
            var task = "Task-" + i.ToString("D10", CultureInfo.InvariantCulture);
            await PutAsync($"{DemoPaths.S4Tasks}/{task}", $$"""{"id":"{{task}}","partition":{{i}},"type":"S4-Task","cluster":"s4","port":{{1300 + i}}}""", ct: ct).ConfigureAwait(false);
            if (i < 3)
            {
                await PutAsync($"{DemoPaths.S4Process}/{task}", $$"""{"taskId":"{{task}}","host":"s4-node-{{i + 1}}.internal","port":{{1300 + i}},"partition":{{i}},"cluster":"s4","pid":{{4200 + i}}}""", CreateMode.Ephemeral, session: node, ct: ct).ConfigureAwait(false);
            }
        }

        _log("demo: S4 tasks seeded (/s4/s4/tasks, /s4/s4/process; Task-0000000003 unclaimed)");
    }
}

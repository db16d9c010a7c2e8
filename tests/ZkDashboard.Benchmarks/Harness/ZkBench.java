// Java-client side of the "client" benchmark. Compiled at run time with javac against the Debian
// zookeeper.jar and run as its own process, so its CPU time is the client's alone.
// Usage: java ZkBench <connectString> <root> <nodes> <phaseSeconds> <warmupSeconds> <latencyOps> <createDeleteInFlight>
// Prints "RESULT <key> <value>" lines.
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public final class ZkBench {
    private static final long MAX_OPS = 50_000_000L;

    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String root = args[1];
        int nodes = Integer.parseInt(args[2]);
        double phase = Double.parseDouble(args[3]);
        double warmup = Double.parseDouble(args[4]);
        int latencyOps = Integer.parseInt(args[5]);
        int cdInFlight = Integer.parseInt(args[6]);

        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 20000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java client did not connect to " + connect + " within 60 s");
        }
        String[] paths = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            paths[i] = String.format("%s/n-%05d", root, i);
        }

        pipelinedGet(zk, paths, 256, warmup);
        for (int inFlight : new int[] {1, 16, 256}) {
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            long ops = pipelinedGet(zk, paths, inFlight, phase);
            long t1 = System.nanoTime();
            long cpu1 = cpuNanos();
            result("get" + inFlight + "_ops_per_s", ops / ((t1 - t0) / 1e9));
            result("get" + inFlight + "_cpu_us_per_op", (cpu1 - cpu0) / 1e3 / Math.max(1, ops));
        }

        long[] lat = new long[latencyOps];
        long latEnd = System.nanoTime() + (long) (phase * 1e9);
        int n = 0;
        while (n < latencyOps && System.nanoTime() < latEnd) {
            long s = System.nanoTime();
            zk.getData(paths[n % nodes], false, null);
            lat[n++] = System.nanoTime() - s;
        }
        long[] done = Arrays.copyOf(lat, n);
        Arrays.sort(done);
        result("latency_p50_us", done[(int) Math.min(n - 1, Math.floor(n * 0.50))] / 1e3);
        result("latency_p99_us", done[(int) Math.min(n - 1, Math.floor(n * 0.99))] / 1e3);

        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long pairs = createDelete(zk, root + "/cd-java-", cdInFlight, phase);
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos();
        result("create_delete_pairs_per_s", pairs / ((t1 - t0) / 1e9));
        result("create_delete_cpu_us_per_pair", (cpu1 - cpu0) / 1e3 / Math.max(1, pairs));
        zk.close();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void result(String key, double value) {
        System.out.println("RESULT " + key + " " + value);
    }

    private static long pipelinedGet(ZooKeeper zk, String[] paths, int inFlight, double seconds) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong completed = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        AsyncCallback.DataCallback cb = (rc, path, ctx, data, stat) -> {
            if (rc != 0 || data == null || data.length != 1024) {
                error.compareAndSet(null, "getData " + path + " rc=" + rc);
            }
            completed.incrementAndGet();
            slots.release();
        };
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long issued = 0;
        int i = 0;
        while (issued < MAX_OPS && System.nanoTime() < end && error.get() == null) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            zk.getData(paths[i], false, cb, null);
            i = (i + 1) % paths.length;
            issued++;
        }
        if (!slots.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("getData replies did not drain within 60 s");
        }
        if (error.get() != null) {
            throw new IllegalStateException(error.get());
        }
        return completed.get();
    }

    private static long createDelete(ZooKeeper zk, String prefix, int inFlight, double seconds) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong pairs = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        byte[] data = new byte[1024];
        AsyncCallback.VoidCallback deleted = (rc, path, ctx) -> {
            if (rc != 0) {
                error.compareAndSet(null, "delete " + path + " rc=" + rc);
            }
            pairs.incrementAndGet();
            slots.release();
        };
        AsyncCallback.StringCallback created = (rc, path, ctx, name) -> {
            if (rc != 0) {
                error.compareAndSet(null, "create " + path + " rc=" + rc);
                slots.release();
                return;
            }
            zk.delete(path, -1, deleted, null);
        };
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long issued = 0;
        while (issued < MAX_OPS && System.nanoTime() < end && error.get() == null) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            zk.create(prefix + issued, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, created, null);
            issued++;
        }
        if (!slots.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("create/delete replies did not drain within 60 s");
        }
        if (error.get() != null) {
            throw new IllegalStateException(error.get());
        }
        return pairs.get();
    }
}

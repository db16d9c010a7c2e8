# kazoo side of the "client" benchmark; run with /usr/bin/python3 (Debian python3-kazoo).
# Usage: kazoo_bench.py <connectString> <root> <nodes> <phaseSeconds> <warmupSeconds> <latencyOps> <createDeleteInFlight>
# Prints "RESULT <key> <value>" lines.
import collections
import sys
import time

from kazoo.client import KazooClient

MAX_OPS = 50_000_000


def result(key, value):
    print(f"RESULT {key} {value}", flush=True)


def pipelined_get(zk, paths, in_flight, seconds):
    window = collections.deque()
    end = time.monotonic() + seconds
    issued = completed = 0
    i = 0
    while issued < MAX_OPS and time.monotonic() < end:
        if len(window) >= in_flight:
            data, _ = window.popleft().get(timeout=60)
            if len(data) != 1024:
                raise RuntimeError("unexpected data length")
            completed += 1
        window.append(zk.get_async(paths[i]))
        i = (i + 1) % len(paths)
        issued += 1
    while window:
        window.popleft().get(timeout=60)
        completed += 1
    return completed


def create_delete(zk, prefix, in_flight, seconds):
    window = collections.deque()
    end = time.monotonic() + seconds
    issued = pairs = 0
    data = b"\0" * 1024
    while issued < MAX_OPS:
        if window and (len(window) >= in_flight or time.monotonic() >= end):
            kind, path, ar = window.popleft()
            ar.get(timeout=60)
            if kind == "c":
                window.append(("d", path, zk.delete_async(path)))
            else:
                pairs += 1
            continue
        if time.monotonic() >= end:
            break
        path = f"{prefix}{issued}"
        window.append(("c", path, zk.create_async(path, data)))
        issued += 1
    return pairs


def main():
    connect, root = sys.argv[1], sys.argv[2]
    nodes, phase, warmup = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    latency_ops, cd_in_flight = int(sys.argv[6]), int(sys.argv[7])
    zk = KazooClient(hosts=connect, timeout=20.0)
    zk.start(timeout=60)
    paths = [f"{root}/n-{i:05d}" for i in range(nodes)]

    pipelined_get(zk, paths, 256, warmup)
    for in_flight in (1, 16, 256):
        c0, t0 = time.process_time(), time.perf_counter()
        ops = pipelined_get(zk, paths, in_flight, phase)
        t1, c1 = time.perf_counter(), time.process_time()
        result(f"get{in_flight}_ops_per_s", ops / (t1 - t0))
        result(f"get{in_flight}_cpu_us_per_op", (c1 - c0) * 1e6 / max(1, ops))

    lat = []
    end = time.monotonic() + phase
    while len(lat) < latency_ops and time.monotonic() < end:
        s = time.perf_counter()
        zk.get(paths[len(lat) % nodes])
        lat.append(time.perf_counter() - s)
    lat.sort()
    result("latency_p50_us", lat[min(len(lat) - 1, int(len(lat) * 0.50))] * 1e6)
    result("latency_p99_us", lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e6)

    c0, t0 = time.process_time(), time.perf_counter()
    pairs = create_delete(zk, f"{root}/cd-kazoo-", cd_in_flight, phase)
    t1, c1 = time.perf_counter(), time.process_time()
    result("create_delete_pairs_per_s", pairs / (t1 - t0))
    result("create_delete_cpu_us_per_pair", (c1 - c0) * 1e6 / max(1, pairs))
    zk.stop()
    zk.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Soak with faults: argmap under a steady mix of writes and reads while it is killed
with SIGKILL, its PostgreSQL is stopped, and its PostgreSQL is frozen with SIGSTOP.
Asserts that no acknowledged write is lost, and reports argmap's memory over time.

Usage: scripts/soak.py [--minutes N] [--binary target/debug/argmap] [--port 4030]
                       [--writes add|edit] [--samples FILE.csv]
--writes add (the default) makes every write a new claim, so the map grows all run long;
--writes edit gives each writer one claim of its own and edits its text over and over, so
the map keeps its size and a growth in memory cannot be put down to a bigger map.
Loopback only. Needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin) and, when
run as root, the `postgres` user. Prints one summary line per figure; exits 1 if any
acknowledged write is missing. See docs/reliability.md.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SOURCE, SEGMENT = "edwards-five-tensions", "s5-11"
QUOTE = "more control increases the probability of blameworthy things"


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def as_pg(cmd):
    return (["runuser", "-u", "postgres", "--"] + cmd) if os.getuid() == 0 else cmd


def request(method, url, body=None, token=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except Exception:  # refused, reset, timed out: not acknowledged
        return 0, b""


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--binary", default="target/debug/argmap")
    parser.add_argument("--port", type=int, default=4030)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writes", choices=["add", "edit"], default="add")
    parser.add_argument("--samples", help="write the memory samples (seconds, argmap RSS KiB, "
                        "PostgreSQL processes) to this CSV file")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    base = f"http://127.0.0.1:{args.port}"

    work = tempfile.mkdtemp(prefix="argmap-soak-")
    os.chmod(work, 0o755)
    pgdata, sockets = os.path.join(work, "pg"), work
    if os.getuid() == 0:
        shutil.chown(work, "postgres")
    subprocess.run(as_pg([pg_bin("initdb"), "-D", pgdata, "-U", "argmap", "--auth", "trust",
                          "-E", "UTF8", "--no-instructions"]), check=True, stdout=subprocess.DEVNULL)

    def pg_start():
        subprocess.run(as_pg([pg_bin("pg_ctl"), "-D", pgdata, "-l", os.path.join(work, "pg.log"), "-w",
                              "-o", f"-c listen_addresses= -c unix_socket_directories={sockets}",
                              "start"]), check=True, stdout=subprocess.DEVNULL)

    def pg_stop():
        subprocess.run(as_pg([pg_bin("pg_ctl"), "-D", pgdata, "-m", "fast", "-w", "stop"]),
                       check=False, stdout=subprocess.DEVNULL)

    def pg_pids():
        master = open(os.path.join(pgdata, "postmaster.pid")).readline().strip()
        children = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
        return [int(master)] + [int(c) for c in children]

    pg_start()
    subprocess.run(as_pg([os.path.join(os.path.dirname(pg_bin("initdb")), "psql"), "-h", sockets, "-U", "argmap",
                          "-d", "postgres", "-qc", "create database argmap"]), check=True)
    env = dict(os.environ,
               DATABASE_URL=f"postgres://argmap@localhost/argmap?host={sockets}",
               ARGMAP_ADDR=f"127.0.0.1:{args.port}",
               ARGMAP_WRITES_PER_MINUTE="1000000",
               ARGMAP_LOG="warn")
    subprocess.run([binary, "migrate"], env=env, check=True)
    subprocess.run([binary, "load-map", os.path.join(os.path.dirname(binary), "../../data/nhs-reform")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "add", "--email", "soak@example.org"], env=env,
                   input=b"soak password 12345\n", check=True, capture_output=True)
    # A token through the database: the soak is about the server, not the token form.
    token = "am_soak_" + os.urandom(12).hex()
    digest = subprocess.run(["sha256sum"], input=token.encode(), capture_output=True).stdout.split()[0].decode()
    subprocess.run(as_pg([os.path.join(os.path.dirname(pg_bin("initdb")), "psql"), "-h", sockets, "-U", "argmap",
                          "-d", "argmap", "-qc",
                          f"insert into api_tokens (user_id, name, token_hash) select id, 'soak', '\\x{digest}' from users"]),
                   check=True)

    log = open(os.path.join(work, "argmap.log"), "w")
    server = {"proc": None}

    def start_server():
        server["proc"] = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
        for _ in range(200):
            if request("GET", base + "/healthz", timeout=1)[0] == 200:
                return
            time.sleep(0.05)
        raise SystemExit("argmap did not start")

    start_server()
    stop = threading.Event()
    lock = threading.Lock()
    acked, counts = [], {"tried": 0, "failed": 0, "reads": 0, "read_5xx": 0, "write_5xx": 0}
    serial = [0]

    def add_claim(text):
        return request("POST", base + "/api/v1/claims",
                       {"source": SOURCE, "segment": SEGMENT, "quote": QUOTE, "text": text}, token)

    def note_failure(status):
        with lock:
            counts["failed"] += 1
            if status >= 500 and status != 503:
                counts["write_5xx"] += 1

    def adding_writer():
        while not stop.is_set():
            with lock:
                serial[0] += 1
                n = serial[0]
                counts["tried"] += 1
            status, body = add_claim(f"Soak claim number {n} is a claim acknowledged by the server.")
            if status == 201:
                with lock:
                    acked.append(json.loads(body)["slug"])
            else:
                note_failure(status)

    edited = {}  # a writer's claim -> every text the server acknowledged for it, in order

    def editing_writer(me):
        status, body = 0, b""
        while status != 201:  # the writer's own claim; retried through the faults
            status, body = add_claim(f"Soak writer {me} edits this claim again and again.")
        slug = json.loads(body)["slug"]
        with lock:
            edited[slug] = []
            mine = edited[slug]
        version, n = None, 0
        while not stop.is_set():
            if version is None:  # after a failure nobody acknowledged, learn where it stands
                status, body = request("GET", f"{base}/api/v1/claims/{slug}")
                if status != 200:
                    time.sleep(0.05)
                    continue
                version = json.loads(body)["version"]
            n += 1
            text = f"Soak writer {me} made edit number {n} of its claim."
            with lock:
                counts["tried"] += 1
            status, body = request("PATCH", f"{base}/api/v1/claims/{slug}",
                                   {"version": version, "text": text}, token)
            if status == 200:
                version = json.loads(body)["version"]
                mine.append(text)
            else:
                version = None
                note_failure(status)

    def reader():
        paths = ["/", "/api/v1/stats", "/claims/every-reorganisation-seeds-the-next", "/search?q=integration",
                 "/api/v1/search?q=control", "/debates/2021-white-paper/map.svg"]
        i = 0
        while not stop.is_set():
            status, _ = request("GET", base + paths[i % len(paths)])
            i += 1
            with lock:
                counts["reads"] += 1
                if status >= 500 and status != 503:
                    counts["read_5xx"] += 1

    if args.writes == "add":
        threads = [threading.Thread(target=adding_writer) for _ in range(args.writers)]
    else:
        threads = [threading.Thread(target=editing_writer, args=(me,)) for me in range(args.writers)]
    threads += [threading.Thread(target=reader) for _ in range(args.readers)]
    for t in threads:
        t.start()

    total = args.minutes * 60
    started = time.time()
    samples = []
    faults = [(0.2, "kill -9 argmap"), (0.4, "stop PostgreSQL 10 s"), (0.6, "freeze PostgreSQL (SIGSTOP) 10 s")]
    done = set()
    while time.time() - started < total:
        elapsed = time.time() - started
        rss = rss_kib(server["proc"].pid)
        if rss:
            try:
                backends = len(pg_pids())
            except (OSError, ValueError):  # stopped for the outage
                backends = 0
            samples.append((elapsed, rss, backends))
        for at, fault in faults:
            if fault in done or elapsed < at * total:
                continue
            done.add(fault)
            print(f"[{elapsed:6.1f} s] {fault}", flush=True)
            if fault.startswith("kill"):
                server["proc"].send_signal(signal.SIGKILL)
                server["proc"].wait()
                start_server()
            elif fault.startswith("stop"):
                pg_stop()
                time.sleep(10)
                pg_start()
            else:
                pids = pg_pids()
                for pid in pids:
                    os.kill(pid, signal.SIGSTOP)
                time.sleep(10)
                for pid in pids:
                    os.kill(pid, signal.SIGCONT)
        time.sleep(2)
    stop.set()
    for t in threads:
        t.join()

    # Every acknowledged write must be there.
    lost = [slug for slug in acked if request("GET", f"{base}/api/v1/claims/{slug}")[0] != 200]
    for slug, texts in edited.items():  # every acknowledged edit is in the claim's history
        status, body = request("GET", f"{base}/api/v1/claims/{slug}/history", timeout=120)
        recorded = {json.dumps(r.get("after")) for r in json.loads(body)} if status == 200 else set()
        recorded = " ".join(recorded)
        lost += [f"{slug}: {t}" for t in texts if t not in recorded]
        acked += texts
    print(f"duration: {total:.0f} s, writers {args.writers}, readers {args.readers}")
    print(f"writes tried: {counts['tried']}, acknowledged: {len(acked)}, failed (not acknowledged): {counts['failed']}, lost: {len(lost)}")
    print(f"writes answered 5xx other than 503: {counts['write_5xx']}; reads: {counts['reads']}, reads 5xx other than 503: {counts['read_5xx']}")
    if args.samples:
        with open(args.samples, "w") as f:
            f.write("seconds,argmap_rss_kib,postgres_processes\n")
            f.writelines(f"{t:.0f},{r},{b}\n" for t, r, b in samples)
    # Memory is judged after the restart (the kill at 20%) and over the last two thirds
    # of the run: the last 20 minutes of a 30-minute soak.
    tail = [s for s in samples if s[0] >= max(0.25, 1 / 3) * total]
    if len(tail) >= 2:
        third = max(1, len(tail) // 3)
        first = sum(r for _, r, _ in tail[:third]) / third / 1024
        last = sum(r for _, r, _ in tail[-third:]) / third / 1024
        n = len(tail)
        mean_t = sum(t for t, _, _ in tail) / n
        mean_r = sum(r for _, r, _ in tail) / n
        slope = sum((t - mean_t) * (r - mean_r) for t, r, _ in tail) / max(
            1e-9, sum((t - mean_t) ** 2 for t, _, _ in tail))
        running = [b for _, _, b in tail if b]
        print(f"argmap RSS over the last {(total - tail[0][0]) / 60:.1f} minutes: first third {first:.1f} MiB, "
              f"last third {last:.1f} MiB, min {min(r for _, r, _ in tail) / 1024:.1f} MiB, "
              f"max {max(r for _, r, _ in tail) / 1024:.1f} MiB, trend {slope * 60 / 1024:+.3f} MiB/min")
        if running:
            print(f"PostgreSQL processes over the same minutes: first {running[0]}, last {running[-1]}, "
                  f"min {min(running)}, max {max(running)}")
    server["proc"].send_signal(signal.SIGTERM)
    server["proc"].wait(timeout=60)
    pg_stop()
    shutil.rmtree(work, ignore_errors=True)
    if lost:
        print("LOST:", lost[:20])
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Whole-program measurements of stage-images, printed as one Markdown table.

Measures, on this machine:
  - CLI round trip: `stage-images list --json` against a catalogue server on 127.0.0.1, and
    `curl -s` fetching the same URL with the same token, in alternating runs;
  - first frame: time from `main` to the first complete frame of the browser (logged by the
    program), and the whole process from outside, with `--exit-after-first-frame` in tmux;
  - idle: CPU time and wake-ups (context switches) of the browser over 10 idle seconds;
  - footprint: peak RSS of the browser on the demo catalogue, and the release binary's size.

Usage: python3 scripts/bench.py [--runs N] [--idle-seconds S] [--no-build]
Needs: cargo, curl, tmux. Touches only 127.0.0.1 and a temporary folder.
"""

import argparse
import http.server
import json
import os
import pathlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "stage-images"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
TOKEN = "bench-token"
CATALOGUE = (ROOT / "assets" / "demo-catalogue.json").read_bytes()


class CatalogueHandler(http.server.BaseHTTPRequestHandler):
    """Replies to the catalogue request like the ServiceStage API does."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name is fixed by http.server)
        expected = f"/v3/{PROJECT_ID}/assembling/base-images"
        if self.path != expected or self.headers.get("X-Auth-Token") != TOKEN:
            body, status = b'{"error_code":"BENCH.404","error_msg":"not found"}', 404
        else:
            body, status = CATALOGUE, 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", "bench")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CatalogueHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def closed_port():
    """Returns a port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentiles(samples):
    ordered = sorted(samples)

    def at(fraction):
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return statistics.median(ordered), at(0.1), at(0.9)


def environment(home):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STAGE_IMAGES_", "HUAWEICLOUD_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        TERM="xterm-256color",
    )
    for name in ("RUST_LOG", "NO_COLOR", "DISPLAY", "WAYLAND_DISPLAY", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(name, None)
    return env


def timed(command, env):
    started = time.perf_counter_ns()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter_ns() - started) / 1e6
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed ({result.returncode}): {result.stderr.decode()}")
    return elapsed


def round_trip(url, config, env, runs):
    stage = [str(BINARY), "--config", str(config), "list", "--json"]
    curl = ["curl", "-s", "-f", "-H", f"X-Auth-Token: {TOKEN}", "-H", "Content-Type: application/json;charset=utf8", url]
    for _ in range(5):  # warm-up: page cache, first connections
        timed(stage, env)
        timed(curl, env)
    stage_times, curl_times = [], []
    for _ in range(runs):
        curl_times.append(timed(curl, env))
        stage_times.append(timed(stage, env))
    return percentiles(stage_times), percentiles(curl_times)


def tmux(session, *args):
    return subprocess.run(["tmux", "-L", session, *args], capture_output=True, text=True)


def first_frame(config, env, home, runs, name):
    """Runs the browser `runs` times in a tmux pane; returns internal and external times."""
    session = f"stage-images-bench-{os.getpid()}-{name}"
    log = home / f"first-frame-{name}.log"
    results = home / f"first-frame-{name}.json"
    child = [str(BINARY), "--config", str(config), "--log-file", str(log), "--exit-after-first-frame"]
    # The timing loop runs inside the pane, so the browser gets a real terminal.
    script = (
        "import json, subprocess, sys, time\n"
        f"child = {child!r}\n"
        "times = []\n"
        f"for _ in range({runs + 5}):\n"
        "    started = time.perf_counter_ns()\n"
        "    subprocess.run(child)\n"
        "    times.append((time.perf_counter_ns() - started) / 1e6)\n"
        f"json.dump(times[5:], open({str(results)!r}, 'w'))\n"
    )
    loop = home / f"first_frame_loop_{name}.py"
    loop.write_text(script)
    tmux(session, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-e", f"HOME={home}",
         f"env {' '.join(f'{k}={v!r}' for k, v in env.items() if k.startswith('XDG_') or k in ('HOME', 'TERM'))} "
         f"{sys.executable} {loop}; sleep 1")
    deadline = time.time() + 60 + runs
    while not results.exists():
        if time.time() > deadline:
            tmux(session, "kill-server")
            sys.exit("the first-frame loop did not finish")
        time.sleep(0.2)
    time.sleep(0.2)
    tmux(session, "kill-server")
    external = json.loads(results.read_text())
    internal = [int(match) / 1000 for match in re.findall(r"first frame drawn elapsed_us=(\d+)", log.read_text())][5:]
    return percentiles(internal), percentiles(external)


def process_times(pid):
    """Total CPU nanoseconds and context switches of all threads of a process."""
    cpu, switches = 0, 0
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        cpu += int((task / "schedstat").read_text().split()[0])
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                switches += int(line.split()[1])
    return cpu, switches


def idle_and_footprint(env, home, idle_seconds):
    """Runs the demo browser, waits for the catalogue, then watches it idle."""
    session = f"stage-images-idle-{os.getpid()}"
    command = f"env STAGE_IMAGES_DEMO_DELAY_MS=0 XDG_CACHE_HOME={home / 'cache'} XDG_STATE_HOME={home / 'state'} " \
              f"XDG_CONFIG_HOME={home / 'config'} {BINARY} --demo"
    tmux(session, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", command)
    deadline = time.time() + 30
    while "Languages 8" not in tmux(session, "capture-pane", "-p").stdout:
        if time.time() > deadline:
            tmux(session, "kill-server")
            sys.exit("the demo browser did not show its catalogue")
        time.sleep(0.1)
    pid = int(tmux(session, "display-message", "-p", "#{pane_pid}").stdout.strip())
    time.sleep(1)  # let the last redraw and the log writer settle
    cpu_before, switches_before = process_times(pid)
    time.sleep(idle_seconds)
    cpu_after, switches_after = process_times(pid)
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    tmux(session, "send-keys", "q")
    time.sleep(0.3)
    tmux(session, "kill-server")
    return (cpu_after - cpu_before) / 1e6, switches_after - switches_before, peak_kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="runs per measurement (default 100)")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="idle time watched (default 10)")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    options = parser.parse_args()
    for tool in ("curl", "tmux"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is required; install it (apt-get install -y {tool})")
    if not options.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)

    server = start_server()
    url = f"http://127.0.0.1:{server.server_address[1]}/v3/{PROJECT_ID}/assembling/base-images"
    with tempfile.TemporaryDirectory(prefix="stage-images-bench-") as folder:
        home = pathlib.Path(folder)
        config = home / "config.toml"
        config.write_text(
            f'[profiles.bench]\nregion = "cn-north-4"\nproject_id = "{PROJECT_ID}"\n'
            f'endpoint = "http://127.0.0.1:{server.server_address[1]}"\ntoken = "{TOKEN}"\n'
        )
        # An https profile loads the system's CA certificates before the first frame, as real
        # profiles do. Its endpoint is a closed port on 127.0.0.1, and the browser quits before
        # its first request is sent.
        https_config = home / "https.toml"
        https_config.write_text(
            f'[profiles.bench]\nregion = "cn-north-4"\nproject_id = "{PROJECT_ID}"\n'
            f'endpoint = "https://127.0.0.1:{closed_port()}"\ntoken = "{TOKEN}"\n'
        )
        for path in (config, https_config):
            path.chmod(0o600)
        env = environment(home)
        (stage, curl) = round_trip(url, config, env, options.runs)
        (internal, external) = first_frame(config, env, home, options.runs, "http")
        (https_internal, https_external) = first_frame(https_config, env, home, options.runs, "https")
        idle_cpu_ms, idle_switches, peak_mib = idle_and_footprint(env, home, options.idle_seconds)
    server.shutdown()
    size_mib = BINARY.stat().st_size / (1024 * 1024)

    def row(name, values, target, unit="ms"):
        median, low, high = values
        print(f"| {name} | {median:.2f} {unit} | {low:.2f} – {high:.2f} {unit} | {target} |")

    print(f"\nstage-images measurements, {options.runs} runs each ({os.cpu_count()} cores, {os.uname().release})\n")
    print("| measurement | median | p10 – p90 | target |")
    print("|---|---|---|---|")
    row("`list --json` round trip", stage, "≤ 1.3 × curl")
    row("`curl -s` round trip", curl, "—")
    print(f"| ratio of medians | {stage[0] / curl[0]:.2f} × | | ≤ 1.3 × |")
    row("first frame, from `main`", internal, "< 15 ms")
    row("first frame, whole process", external, "—")
    row("first frame, https profile, from `main`", https_internal, "< 15 ms")
    row("first frame, https profile, whole process", https_external, "—")
    print(f"| idle CPU over {options.idle_seconds:g} s | {idle_cpu_ms:.2f} ms | | < 20 ms |")
    print(f"| idle wake-ups over {options.idle_seconds:g} s | {idle_switches} | | 0 |")
    print(f"| peak RSS, demo catalogue | {peak_mib:.1f} MiB | | < 20 MB |")
    print(f"| release binary | {size_mib:.1f} MiB | | < 10 MB |")


if __name__ == "__main__":
    main()

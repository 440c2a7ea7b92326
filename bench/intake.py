"""Intake benchmark: sustained webhooks/s and latency of `tds api` under wrk (16 connections).

Usage: .venv/bin/python bench/intake.py [seconds]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.common import TOKEN, bench_database, free_port, service

HERE = Path(__file__).resolve().parent


def run_wrk(port: int, seconds: int, connections: int = 16) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "intake.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            TOKEN,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": lat["50"],
        "p99_ms": lat["99"],
        "non_2xx": float(non2xx.group(1) if non2xx else 0),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with bench_database() as url:
        port = free_port()
        with service(url, "api", port):
            run_wrk(port, 3)  # warm-up
            result = run_wrk(port, seconds)
    print(
        f"intake: {result['rps']:.0f} webhooks/s, p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']:.0f} (wrk -t2 -c16, {seconds} s)"
    )


if __name__ == "__main__":
    main()

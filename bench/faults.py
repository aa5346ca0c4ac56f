"""The slow fault cases of issue 22: what one bad input costs a scan, in time and memory.

Usage::

    python bench/faults.py [--case NAME ...] [--interrupts 20] [--keep]

Each case builds its inputs under a fresh temporary folder and runs ``python -m
textreuse scan`` as a child process (``--workers 1`` unless the case says otherwise),
measured with ``os.wait4``: wall time, exit code and the child's peak RSS (its pool
workers, when it has some, are not counted). One JSON line per case on stdout:

- ``record-100mb``: one JSONL record of 100 MB whose lines start like a continue-link
  (the quadratic line count of ``clean/boilerplate.py``), beside a small record, with
  ``--max-doc-bytes 200000000``; and the same file with the default cap (rejected).
- ``file-200mb``: a text file of 200 MB, one line repeated (DuckDB ran out of memory
  storing it), with ``--max-doc-bytes 300000000``; and with the default cap.
- ``attribute-bomb``: nine pages and one of 3 MB whose element holds 200,000 attributes.
- ``fifo-and-dev-zero``: a folder with a FIFO and a link to ``/dev/zero`` beside a text.
- ``interrupts``: ``--interrupts`` scans of a 4,800-document corpus on 2 workers, each
  sent Ctrl-C (SIGINT to its process group) at a random point: how many exit 130, the
  slowest exit, hangs (no exit within 60 s) and temporary files left.
- ``startup``: ``--interrupts`` scans of a one-file corpus, each sent Ctrl-C 0.02-0.9 s
  after it started, while Python loads the command's modules: exit codes and tracebacks.

Not in the test suite: the first two take minutes and gigabytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"
CASES = ("record-100mb", "file-200mb", "attribute-bomb", "fifo-and-dev-zero", "interrupts", "startup")
PROSE = "The council voted on Tuesday to keep the old bridge open after a long debate about costs. "


def scan(corpus: Path, db: Path, *extra: str, timeout: float = 1800) -> dict[str, Any]:
    """Run one scan as a child process; return its exit code, wall time, peak RSS and summary."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "textreuse", "scan", str(corpus), "--db", str(db), "--json", "--workers", "1", *extra]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    summary = json.loads(stdout) if stdout.strip() else None
    return {
        "command": " ".join(["textreuse", *cmd[3:]]),
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "documents": summary["documents"] if summary else None,
        "rejects": [(Path(r["path"]).name, r["kind"], r["reason"][:120]) for r in summary["rejects"]] if summary else None,
        "stderr_tail": stderr.strip().splitlines()[-1:] if not summary else [],
    }


def record_100mb(tmp: Path) -> list[dict[str, Any]]:
    corpus = tmp / "c"
    corpus.mkdir()
    line = "Read more about the council vote in our coverage of the story\n"
    text = "Bridge stays open\n" + (PROSE * 8 + "\n" + line) * (100_000_000 // (len(PROSE) * 8 + 1 + len(line)))
    with (corpus / "big.jsonl").open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "big", "text": text}) + "\n")
        f.write(json.dumps({"id": "small", "text": PROSE * 3}) + "\n")
    del text
    return [scan(corpus, tmp / "a.duckdb", "--max-doc-bytes", "200000000"), scan(corpus, tmp / "b.duckdb")]


def file_200mb(tmp: Path) -> list[dict[str, Any]]:
    corpus = tmp / "c"
    corpus.mkdir()
    line = b"the same line of text repeated over and over again\n"
    (corpus / "big.txt").write_bytes(line * (200_000_000 // len(line)))
    (corpus / "small.txt").write_text(PROSE * 3, encoding="utf-8")
    return [scan(corpus, tmp / "a.duckdb", "--max-doc-bytes", "300000000"), scan(corpus, tmp / "b.duckdb")]


def attribute_bomb(tmp: Path) -> list[dict[str, Any]]:
    corpus = tmp / "c"
    corpus.mkdir()
    for k in range(9):
        body = "".join(f"<p>{PROSE * 4} Page {k}, paragraph {j}.</p>" for j in range(5))
        (corpus / f"page{k}.html").write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")
    attrs = " ".join(f'a{k}="v{k}"' for k in range(200_000))
    (corpus / "bomb.html").write_text(f"<html><body><div {attrs}>x</div><p>{PROSE}</p></body></html>", encoding="utf-8")
    return [scan(corpus, tmp / "a.duckdb", timeout=900)]


def fifo_and_dev_zero(tmp: Path) -> list[dict[str, Any]]:
    corpus = tmp / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(PROSE * 3, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    return [scan(corpus, tmp / "a.duckdb", timeout=120)]


def interrupts(tmp: Path, runs: int) -> list[dict[str, Any]]:
    rng = random.Random(22)
    corpus = tmp / "c"
    corpus.mkdir()
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20000)]
    for k in range(4000):
        words = [rng.choice(vocab) for _ in range(300)]
        (corpus / f"d{k:05d}.txt").write_text(" ".join(words), encoding="utf-8")
        if k % 5 == 0:
            (corpus / f"d{k:05d}-copy.txt").write_text(" ".join(words[:250]), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    codes: dict[str, int] = {}
    slowest, hangs, left = 0.0, 0, []
    tracebacks: list[str] = []
    for _ in range(runs):
        db = tmp / "t.duckdb"
        db.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "textreuse", "scan", str(corpus), "--db", str(db), "-q", "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True,
        )
        time.sleep(rng.uniform(1.0, 6.0))
        sent = time.perf_counter()
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            hangs += 1
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
        slowest = max(slowest, time.perf_counter() - sent)
        codes[str(proc.returncode)] = codes.get(str(proc.returncode), 0) + 1
        if b"Traceback" in err:  # where it was raised: at start-up (importing), or in the scan
            frames = [ln.strip() for ln in err.decode().splitlines() if ln.strip().startswith("File ")]
            tracebacks.append(frames[0][:120] if frames else "?")
        left += [n for n in os.listdir(tmp) if ".tmp-" in n]
    return [{"runs": runs, "exit_codes": codes, "slowest_exit_s": round(slowest, 2), "hangs": hangs,
             "tracebacks": tracebacks, "temporary_files_left": left,
             "note": "exit 0: the scan ended before the signal came"}]


def startup(tmp: Path, runs: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    (tmp / "a.txt").write_text("some words of a text " * 50, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    codes: dict[str, int] = {}
    tracebacks = 0
    for _ in range(runs):
        proc = subprocess.Popen(
            [sys.executable, "-m", "textreuse", "scan", str(tmp / "a.txt"), "--db", str(tmp / "t.duckdb"), "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True,
        )
        time.sleep(rng.uniform(0.02, 0.9))
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        codes[str(proc.returncode)] = codes.get(str(proc.returncode), 0) + 1
        tracebacks += b"Traceback" in err
    return [{"runs": runs, "exit_codes": codes, "tracebacks": tracebacks,
             "note": "exit -2: killed by the signal with Python's traceback; 0: the scan ended first"}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=CASES, help="run only this case (repeatable)")
    parser.add_argument("--interrupts", type=int, default=20, help="scans interrupted in the interrupts and startup cases")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    for case in args.case or CASES:
        tmp = Path(tempfile.mkdtemp(prefix=f"faults-{case}-"))
        try:
            repeated = {"interrupts": interrupts, "startup": startup}
            if case in repeated:
                results = repeated[case](tmp, args.interrupts)
            else:
                results = {"record-100mb": record_100mb, "file-200mb": file_200mb, "attribute-bomb": attribute_bomb,
                           "fifo-and-dev-zero": fifo_and_dev_zero}[case](tmp)
            for r in results:
                print(json.dumps({"case": case, **r}), flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Soak test of ``eligo batch``: a large mixed input, random SIGKILLs and Ctrl-Cs, resumes.

Builds a JSONL input of ``--records`` records (default 50,000): real ones (about 1,000
characters of LCT and Chia criteria each, as ``scripts/make_batch_input.py`` builds them),
mutated ones (characters dropped, doubled or swapped, runs of punctuation, odd Unicode line
breaks and invisible characters, CR-only line endings, ids of the wrong type, duplicate ids,
lone surrogates, records over the size limit) and malformed ones (broken or truncated JSON,
bytes that are not UTF-8, JSON nested 5,000 deep, lines that are not objects, lines without
criteria). Then:

1. a reference run, uninterrupted;
2. the soak run: ``eligo batch --workers N`` started and, after a random time, killed with
   SIGKILL (the main process only, as the OOM killer would) or interrupted with SIGINT (Ctrl-C,
   to the whole process group), then continued with ``--resume``, ``--kills`` times, and a
   last resume to the end. After each kill the script checks that no worker outlives the main
   process (``orphans``); once, a second run on the same output is started and must be refused.

It reports records lost (in the reference, not in the soak output or its error log),
duplicated (a key twice), differing (a record whose line differs from the reference), whether
both files are byte-identical to the reference, and the peak memory (the sum of the resident
sets of the batch process and its workers, sampled every 0.2 s). Lost, duplicated, differing
and orphans must all be 0; the exit status is 1 otherwise.

The corpora come from ``--corpora DIR`` (a folder holding ``lct/`` and ``chia/``) or the
``ELIGO_CORPORA`` environment variable::

    ELIGO_CORPORA=/path/to/corpora python scripts/soak.py --work /tmp/soak --report soak.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_batch_input import load_items, make_record

ELIGO = [sys.executable, "-m", "nlp"]
PROTOCOL_FIELD = b',"protocol":'


# --- the input --------------------------------------------------------------------------------


def _mutate(rng: random.Random, text: str) -> str:
    """One of the odd-but-valid changes a registry export or a copy-paste makes."""
    kind = rng.randrange(10)
    chars = list(text)
    if kind == 0:  # characters dropped
        for _ in range(rng.randint(1, 20)):
            if chars:
                del chars[rng.randrange(len(chars))]
    elif kind == 1:  # characters doubled
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(chars))
            chars.insert(i, chars[i])
    elif kind == 2:  # neighbours swapped
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind == 3:  # a long run of punctuation in one item
        i = rng.randrange(len(chars))
        chars.insert(i, rng.choice("()%\"'[]-/*") * rng.randint(200, 3000))
    elif kind == 4:  # line breaks that YAML and str.splitlines() treat as lines
        chars = list(text.replace("\n", rng.choice(["\u0085", "\u2028", "\r", "\n\r"]), 3))
    elif kind == 5:  # invisible characters
        for _ in range(rng.randint(1, 10)):
            chars.insert(rng.randrange(len(chars)), rng.choice("\u200b\ufeff\u00ad\u2060\x00"))
    elif kind == 6:  # CR LF everywhere
        return text.replace("\n", "\r\n")
    elif kind == 7:  # markdown escapes, as the CT.gov API writes them
        return text.replace("<", "\\<").replace(">", "\\>").replace("^", "\\^")
    elif kind == 8:  # a numbered list instead of bullets
        lines = text.split("\n")
        return "\n".join(
            f"{n}. {line.lstrip(' -')}" if line.startswith("  -") else line
            for n, line in enumerate(lines)
        )
    else:  # non-ASCII typography
        return text.replace(">=", "≥").replace("<=", "≤").replace("x 10^9", "× 10⁹")
    return "".join(chars)


def _malformed(rng: random.Random, n: int, good: str) -> bytes:
    """A line that is not a readable record: it must end in the error log, stage read."""
    line = json.dumps({"nct_id": f"BAD{n:07d}", "criteria": good})
    kind = rng.randrange(9)
    if kind == 0:
        return line[: rng.randrange(5, len(line) - 1)].encode()  # truncated
    if kind == 1:
        return line.replace('":', '"', 1).encode()  # a colon lost
    if kind == 2:
        return line.encode().replace(b"e", b"\xe9", 3)  # Latin-1 bytes
    if kind == 3:
        return ('{"a":' * 5000 + "1" + "}" * 5000).encode()  # nested too deeply
    if kind == 4:
        return rng.choice([b"5", b"null", b"[]", b'"text"', b"[1, 2]"])  # not an object
    if kind == 5:
        return json.dumps({"nct_id": f"BAD{n:07d}", "text": good}).encode()  # no criteria
    if kind == 6:
        return json.dumps({"nct_id": f"BAD{n:07d}", "criteria": "\u200b\x00 \ufeff"}).encode()
    if kind == 7:
        return (line[:-2] + '\\ud800"}').encode()  # a lone surrogate escape
    nct = rng.choice([12345, 1.5, None, [1], {"a": 1}])
    return json.dumps({"nct_id": nct, "criteria": rng.choice([7, None, ["a"], {"a": 1}])}).encode()


def build_input(path: Path, corpora: Path, records: int, seed: int) -> dict[str, int]:
    inc, exc = load_items(corpora)
    if not inc or not exc:
        raise SystemExit(f"soak: no criteria found under {corpora} (expected lct/ and chia/)")
    rng = random.Random(seed)
    counts = {"real": 0, "mutated": 0, "malformed": 0, "duplicate": 0, "oversized": 0}
    with path.open("wb") as out:
        for n in range(1, records + 1):
            text = make_record(rng, inc, exc, 1000)
            roll = rng.random()
            nct = f"SYN{n:07d}"
            if n in (records // 3, 2 * records // 3):  # over the 1,000,000-character limit
                text = (text + "\n") * (1_000_000 // len(text) + 2)
                kind = "oversized"
            elif roll < 0.78:
                kind = "real"
            elif roll < 0.93:
                text, kind = _mutate(rng, text), "mutated"
            elif roll < 0.95:
                nct, kind = f"SYN{rng.randint(1, max(n - 1, 1)):07d}", "duplicate"
            else:
                out.write(_malformed(rng, n, text) + b"\n")
                counts["malformed"] += 1
                continue
            if kind == "mutated" and rng.random() < 0.1:
                out.write(json.dumps({"nct_id": rng.choice([n, float("nan")]), "criteria": text})
                          .encode() + b"\n")  # fmt: skip
            else:
                out.write(json.dumps({"nct_id": nct, "criteria": text}).encode() + b"\n")
            counts[kind] += 1
            if rng.random() < 0.002:
                out.write(b"\n")  # a blank line: not a record
    return counts


# --- running eligo batch ----------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _session(sid: int) -> list[int]:
    """Live processes of session ``sid`` (zombies left out)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":  # state ppid pgrp session
                pids.append(int(entry.name))
    return pids


class Run:
    """One ``eligo batch`` process in its own session, its memory sampled while it runs."""

    peak = 0

    def __init__(self, args: list[str], log: Path) -> None:
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [*ELIGO, "batch", *args],
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while self.proc.poll() is None:
            total = sum(_rss(pid) for pid in _tree(self.proc.pid))
            Run.peak = max(Run.peak, total)
            time.sleep(0.2)

    def wait(self, timeout: float | None = None) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.returncode is not None:
                self.log.close()


def _orphans(sid: int, bound: float = 15.0) -> tuple[int, float]:
    """Processes of a killed run still alive after ``bound`` seconds (then killed), and how long
    the last one took to go."""
    start = time.monotonic()
    while time.monotonic() - start < bound:
        if not _session(sid):
            return 0, time.monotonic() - start
        time.sleep(0.1)
    left = _session(sid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return len(left), bound


# --- comparing --------------------------------------------------------------------------------


def _keyed(path: Path) -> list[tuple[str, bytes]]:
    out = []
    if not path.exists():
        return out
    with path.open("rb") as handle:
        for raw in handle:
            head = raw[: raw.index(PROTOCOL_FIELD)] + b"}" if PROTOCOL_FIELD in raw else raw
            out.append((json.loads(head)["key"], raw))
    return out


def compare(ref: Path, soak: Path) -> dict[str, int | bool]:
    errors = ".errors.jsonl"
    ref_lines = _keyed(ref) + _keyed(ref.with_name(ref.name + errors))
    soak_lines = _keyed(soak) + _keyed(soak.with_name(soak.name + errors))
    reference = dict(ref_lines)
    seen: dict[str, bytes] = {}
    duplicated = 0
    for key, line in soak_lines:
        duplicated += key in seen
        seen[key] = line
    return {
        "records": len(reference),
        "lost": sum(key not in seen for key in reference),
        "duplicated": duplicated,
        "differing": sum(key in seen and seen[key] != line for key, line in reference.items()),
        "unexpected": sum(key not in reference for key in seen),
        "output_identical": ref.read_bytes() == soak.read_bytes(),
        "errors_identical": ref.with_name(ref.name + errors).read_bytes()
        == soak.with_name(soak.name + errors).read_bytes(),
    }


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpora", type=Path, default=os.environ.get("ELIGO_CORPORA"))
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kills", type=int, default=8, help="interruptions of the soak run")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument(
        "--work",
        type=Path,
        help="folder for the input and outputs (default: temp); a reference run already made "
        "there over the same input is reused: delete reference.done.json after changing the code",
    )
    ap.add_argument("--report", type=Path, help="also write the result as JSON")
    args = ap.parse_args(argv)
    if not args.corpora:
        ap.error("no corpora: pass --corpora DIR or set ELIGO_CORPORA (a folder with lct/, chia/)")
    if not Path(args.corpora).is_dir():
        ap.error(f"{args.corpora}: not a folder")
    work = args.work or Path(tempfile.mkdtemp(prefix="eligo-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    log = work / "soak.log"

    started = time.monotonic()
    source = work / "soak-input.jsonl"
    mix = build_input(source, Path(args.corpora), args.records, args.seed)
    print(f"input: {source} {mix}", flush=True)

    common = [str(source), "--workers", str(args.workers), "-q"]
    ref, soak = work / "reference.jsonl", work / "soak.jsonl"
    # The reference of an earlier soak over the same input (and code) in the same folder.
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    done = work / "reference.done.json"
    earlier = json.loads(done.read_text()) if done.exists() else {}
    if earlier.get("input_sha256") == digest and ref.exists():
        reference_seconds, reference_peak = earlier["seconds"], earlier["peak"]
        print(f"reference run: reused ({reference_seconds:.0f} s)", flush=True)
    else:
        t = time.monotonic()
        Run([*common, "-o", str(ref), "--overwrite"], log).wait()
        reference_seconds = time.monotonic() - t
        reference_peak, Run.peak = Run.peak, 0
        record = {"input_sha256": digest, "seconds": reference_seconds, "peak": reference_peak}
        done.write_text(json.dumps(record))
        print(f"reference run: {reference_seconds:.0f} s", flush=True)

    interruptions = {"SIGKILL": 0, "SIGINT": 0}
    orphans, slowest_exit, refused_second = 0, 0.0, None
    first = True
    for k in range(args.kills):
        flags = ["--overwrite"] if first else ["--resume"]
        run = Run([*common, "-o", str(soak), *flags], log)
        first = False
        delay = rng.uniform(4, max(5, reference_seconds / args.kills))
        time.sleep(delay)
        if refused_second is None:  # once: a second run on the same output is refused
            second = Run([*common, "-o", str(soak), "--resume"], log)
            refused_second = second.wait(120) == 2
        if run.proc.poll() is not None:
            break  # finished before the kill
        how = signal.SIGKILL if k % 4 != 3 else signal.SIGINT
        running = len(_session(run.proc.pid))  # main, workers, fork server, resource tracker
        if how == signal.SIGKILL:
            os.kill(run.proc.pid, signal.SIGKILL)  # the main process only
        else:
            os.killpg(run.proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
        t = time.monotonic()
        code = run.wait(60)
        exit_seconds = time.monotonic() - t
        left, gone_after = _orphans(run.proc.pid)
        orphans += left
        slowest_exit = max(slowest_exit, exit_seconds, gone_after)
        interruptions[how.name] += 1
        print(
            f"interruption {k + 1}: {how.name} after {delay:.0f} s, exit {code}, "
            f"{running} processes, all gone after {max(exit_seconds, gone_after):.1f} s",
            flush=True,
        )
    code = Run([*common, "-o", str(soak), "--resume"], log).wait()
    result = {
        "records_in_input": args.records,
        "mix": mix,
        "workers": args.workers,
        "interruptions": interruptions,
        "final_exit": code,
        **compare(ref, soak),
        "orphans": orphans,
        "slowest_stop_seconds": round(slowest_exit, 1),
        "second_run_refused": refused_second,
        "peak_memory_mib_reference": round(reference_peak / 2**20),
        "peak_memory_mib_soak": round(Run.peak / 2**20),
        "reference_seconds": round(reference_seconds),
        "total_seconds": round(time.monotonic() - started),
    }
    print(json.dumps(result, indent=2))
    if args.report:
        args.report.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    bad = result["lost"] or result["duplicated"] or result["differing"] or result["orphans"]
    return 1 if bad or result["unexpected"] or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())

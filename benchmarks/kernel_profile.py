"""Where a kernel's time goes: mali under ``perf record``, with a perf map of the numba code.

numba's JIT code has no symbols, so ``perf report`` shows bare addresses. This script
loads the kernels from numba's cache, writes ``/tmp/perf-PID.map`` (each function's address
and size, read from the object code stored in the cache's ``.nbc`` file), then runs mali
``--runs`` times. The object code goes to ``--out`` (``objdump -d`` it), with a copy of the
map, so that samples (``perf script -F ip``) can be placed within a kernel.

    perf record -e cpu-clock -F 4000 -o /tmp/perf.data python benchmarks/kernel_profile.py
    perf report -i /tmp/perf.data --no-children --sort sym | head -20

The first figure this gave (before the kernels compiled without NRT): ~19 % of all samples
in two addresses outside the kernels, NRT's atomic reference-count updates. Figures, not
assertions.
"""

from __future__ import annotations

import argparse
import glob
import os
import pickle
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "flee"


def perf_map(names: list[str], out_dir: Path) -> list[str]:
    """Map lines ``ADDR SIZE NAME`` for every function in the named kernels' libraries."""
    from enclave.displacement import kernel

    lines = []
    # any loaded library resolves any symbol of numba's one JIT engine (a helper called
    # only from other kernels, such as _day, has no overloads of its own)
    library = next(iter(kernel.step_day.overloads.values())).library
    cache_dir = Path(kernel.__file__).parent / "__pycache__"
    if os.environ.get("NUMBA_CACHE_DIR"):
        cache_dir = Path(os.environ["NUMBA_CACHE_DIR"])
    for name in names:
        first = getattr(kernel, name).py_func.__code__.co_firstlineno
        pattern = str(cache_dir / "**" / f"kernel.{name}-{first}.*.nbc")
        for k, found in enumerate(sorted(glob.glob(pattern, recursive=True))):
            lines += _map_object(found, library, out_dir / f"{name}.{k}.o", f"{name}.{k}")
    return lines


def _map_object(nbc: str, library, obj: Path, label: str) -> list[str]:
    """Map lines for one cached object file, or none where it is not the loaded version."""
    state = pickle.loads(Path(nbc).read_bytes())[0]
    obj.write_bytes(state[2][0])
    listing = subprocess.run(
        ["nm", "-S", "--defined-only", str(obj)], capture_output=True, text=True
    ).stdout
    symbols = []
    for row in listing.splitlines():
        parts = row.split()
        if len(parts) == 4 and parts[2] in "tT":
            symbols.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    for offset, _size, symbol in symbols:
        try:
            address = library.get_pointer_to_function(symbol)
        except Exception:  # noqa: BLE001 - not every symbol is exported
            address = 0
        if address:
            base = address - offset
            return [f"{base + o:x} {size:x} {label}+{o:x}" for o, size, _s in symbols]
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--out", default="/tmp/kernel_profile", help="object code and map copy")
    args = ap.parse_args(argv)
    from enclave.displacement import engine
    from enclave.displacement.flee_run import run_flee

    engine.warm_up()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = [
        "step_day", "_day", "prepare_day", "depart_chunks", "listed_day",
        "travel_in_order", "travel_in_parts", "decide_in_order",
    ]  # fmt: skip
    lines = perf_map(names, out)
    text = "\n".join(lines) + "\n"
    Path(f"/tmp/perf-{os.getpid()}.map").write_text(text)
    (out / "perf.map").write_text(text)
    print(text, file=sys.stderr)
    for _ in range(args.runs):
        run_flee(
            SHARED / "instances" / "mali",
            SHARED / "validation" / "mali2012",
            SHARED / "simsetting.yml",
            seed=1,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

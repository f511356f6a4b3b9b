"""Finished members on disk, so an interrupted ensemble can be resumed.

Each member is written atomically (temporary file, then rename) to
``OUT/.members/NNNNNN.npz`` the moment its result reaches this process; ``manifest.json``
holds a hash of everything that decides the numbers (the case, members, seed, scale,
border, the sensitivity design, the Enclave version). ``--resume`` loads the stored
members, runs only the missing ones and refuses a store whose hash differs. After a
complete run the folder is removed.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from enclave.ensemble.runner import MemberOutput
from enclave.errors import EnclaveInputError
from enclave.io import write_atomic

STORE = ".members"


def settings_hash(settings: dict[str, Any]) -> str:
    """SHA-256 of the settings as canonical JSON."""
    text = json.dumps(settings, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _encode(o: MemberOutput) -> bytes:
    buf = io.BytesIO()
    arrays = {
        "occupancy": o.occupancy,
        "arrivals": o.arrivals,
        "newly_displaced": o.newly_displaced,
        "on_roads": o.on_roads,
        **{f"inflow__{k}": v for k, v in o.inflows.items()},
    }
    meta = {
        "scenario": o.scenario,
        "member": o.member,
        "seed": o.seed,
        "unplaced": o.unplaced,
        "agent_steps": o.agent_steps,
        "seconds": o.seconds,
    }
    np.savez(buf, meta=np.array(json.dumps(meta)), **arrays)
    return buf.getvalue()


def _decode(path: Path) -> MemberOutput:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        inflows = {k.split("__", 1)[1]: z[k] for k in z.files if k.startswith("inflow__")}
        return MemberOutput(
            scenario=meta["scenario"],
            member=int(meta["member"]),
            seed=int(meta["seed"]),
            occupancy=z["occupancy"],
            arrivals=z["arrivals"],
            newly_displaced=z["newly_displaced"],
            on_roads=z["on_roads"],
            inflows=inflows,
            unplaced=float(meta["unplaced"]),
            agent_steps=int(meta["agent_steps"]),
            seconds=float(meta["seconds"]),
        )


class MemberStore:
    """One run's finished members under ``out/.members``."""

    def __init__(self, out: Path, settings: dict[str, Any], total: int) -> None:
        self.folder = Path(out) / STORE
        self.hash = settings_hash(settings)
        self.total = int(total)

    def _path(self, index: int) -> Path:
        return self.folder / f"{index:06d}.npz"

    def open(self, resume: bool) -> dict[int, MemberOutput]:
        """Start a store (fresh, or resumed): returns the members already done by index.

        A resume needs a store made with the same settings; anything else is refused with
        one :class:`EnclaveInputError` line. A fresh run clears an old store.
        """
        manifest = self.folder / "manifest.json"
        if not resume:
            if self.folder.exists():
                shutil.rmtree(self.folder)
            self.folder.mkdir(parents=True)
            body = json.dumps({"settings_hash": self.hash, "runs": self.total}, indent=1)
            write_atomic(manifest, lambda t: t.write_text(body))
            return {}
        if not manifest.exists():
            raise EnclaveInputError(
                self.folder.parent, "--resume", "no interrupted run to resume there"
            )
        try:
            old = json.loads(manifest.read_text())
        except (OSError, ValueError) as err:
            raise EnclaveInputError(manifest, "--resume", f"unreadable manifest ({err})") from None
        if old.get("settings_hash") != self.hash:
            raise EnclaveInputError(
                self.folder.parent,
                "--resume",
                "the interrupted run had different settings (case, members, seed, scale, "
                "border or sensitivity); run without --resume to start again",
            )
        done: dict[int, MemberOutput] = {}
        for p in sorted(self.folder.glob("[0-9]*.npz")):
            i = int(p.stem)
            if i < self.total:
                try:
                    done[i] = _decode(p)
                except (OSError, ValueError, KeyError):
                    p.unlink(missing_ok=True)  # damaged: run it again
        return done

    def save(self, index: int, output: MemberOutput) -> None:
        data = _encode(output)
        write_atomic(self._path(index), lambda t: t.write_bytes(data))

    def close(self) -> None:
        """The run is complete: its results are written, the store is no longer needed."""
        shutil.rmtree(self.folder, ignore_errors=True)

"""Where ensemble members run: a small interface and two local implementations.

A backend maps a picklable function over a list of items and returns the results in the
items' order, calling ``on_done()`` once per finished item (for a progress bar). A Dask
backend can implement the same two methods later (``client.map`` + ``as_completed``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol


class Backend(Protocol):
    """Runs ``fn(shared, item)`` for every item; results in item order."""

    name: str

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        shared: Any,
        items: Sequence[Any],
        on_done: Callable[[], None] | None = None,
    ) -> list[Any]: ...


class SerialBackend:
    """Everything in this process, one item after another (tests, debugging)."""

    name = "serial"

    def map(self, fn, shared, items, on_done=None):  # noqa: ANN001
        out = []
        for item in items:
            out.append(fn(shared, item))
            if on_done is not None:
                on_done()
        return out


_SHARED: Any = None


def _init_worker(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


def _call(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(_SHARED, item)


class ProcessBackend:
    """A local process pool (``spawn`` start method: safe with threaded numba, any OS).

    ``shared`` is sent once to each worker, not once per item.
    """

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))

    def map(self, fn, shared, items, on_done=None):  # noqa: ANN001
        items = list(items)
        if not items:
            return []
        workers = min(self.workers, len(items))
        ctx = mp.get_context("spawn")
        results: list[Any] = [None] * len(items)
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(shared,)
        ) as pool:
            futures = {pool.submit(_call, fn, item): i for i, item in enumerate(items)}
            try:
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    if on_done is not None:
                        on_done()
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return results


def make_backend(name: str = "processes", workers: int | None = None) -> Backend:
    if name == "serial" or (workers is not None and workers <= 1):
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers)
    raise ValueError(f"unknown backend {name!r} (serial, processes)")

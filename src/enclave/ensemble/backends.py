"""Where ensemble members run: a small interface and two local implementations.

A backend maps a picklable function over a list of items and returns the results in the
items' order, calling ``on_done()`` once per finished item (for a progress bar) and, if
given, ``on_result(index, result)`` as each result arrives (to persist it at once, so an
interrupted ensemble can be resumed). Three implementations: serial, a local process pool,
and Dask (a LocalCluster on loopback, or an existing cluster at a scheduler address).
"""

from __future__ import annotations

import logging
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
        on_result: Callable[[int, Any], None] | None = None,
    ) -> list[Any]: ...


class SerialBackend:
    """Everything in this process, one item after another (tests, debugging)."""

    name = "serial"

    def map(self, fn, shared, items, on_done=None, on_result=None):  # noqa: ANN001
        out = []
        for i, item in enumerate(items):
            out.append(fn(shared, item))
            if on_result is not None:
                on_result(i, out[-1])
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

    def map(self, fn, shared, items, on_done=None, on_result=None):  # noqa: ANN001
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
                    i = futures[fut]
                    results[i] = fut.result()
                    if on_result is not None:
                        on_result(i, results[i])
                    if on_done is not None:
                        on_done()
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return results


DASK_CONNECT_TIMEOUT_S = 5.0


def _dask_call(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> Any:
    return fn(shared, item)


class DaskBackend:
    """Members as Dask tasks, on an existing cluster or a LocalCluster started here.

    Without ``scheduler`` a ``distributed.LocalCluster`` starts on loopback with worker
    *processes* (``threads_per_worker=1``: the engine runs one thread per member, so
    workers x engine threads = workers <= cores; oversubscribing slows the engine several
    fold). ``shared`` is scattered once to every worker (``broadcast=True``); each item is
    one task; results stream back through ``as_completed`` and are put in item order, so
    the Dataset is the same as with the local backends. An unreachable scheduler fails
    within ``DASK_CONNECT_TIMEOUT_S`` seconds with an :class:`EnclaveInputError`.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = max(1, int(workers or os.cpu_count() or 1))

    def _client(self):  # noqa: ANN202
        from enclave.errors import EnclaveInputError

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EnclaveInputError(
                None, "--backend", "dask is not installed (pip install 'enclave-sim[dask]')"
            ) from None
        if self.scheduler is None:
            cluster = LocalCluster(
                n_workers=min(self.workers, os.cpu_count() or 1),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,  # progress and results go to stderr, not logs
            )
            return Client(cluster), cluster
        try:
            client = Client(self.scheduler, timeout=DASK_CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as err:
            msg = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise EnclaveInputError(
                None, "--scheduler", f"cannot reach Dask scheduler '{self.scheduler}' ({msg})"
            ) from None
        return client, None

    def check(self) -> None:
        """Connect once and close: an unreachable scheduler fails here, before any work."""
        client, cluster = self._client() if self.scheduler else (None, None)
        if client is not None:
            client.close()

    def map(self, fn, shared, items, on_done=None, on_result=None):  # noqa: ANN001
        items = list(items)
        if not items:
            return []
        from distributed import as_completed as dask_as_completed

        client, cluster = self._client()
        try:
            remote = client.scatter(shared, broadcast=True)
            futures = [client.submit(_dask_call, fn, remote, item, pure=False) for item in items]
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[Any] = [None] * len(items)
            try:
                for fut in dask_as_completed(futures):
                    i = index[fut.key]
                    results[i] = fut.result()
                    fut.release()
                    if on_result is not None:
                        on_result(i, results[i])
                    if on_done is not None:
                        on_done()
            except BaseException:
                client.cancel(futures)
                raise
            return results
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


BACKENDS = ("processes", "serial", "dask")


def make_backend(
    name: str = "processes", workers: int | None = None, scheduler: str | None = None
) -> Backend:
    """A backend by name; ``scheduler`` (a Dask address) implies ``dask``."""
    if name == "dask" or scheduler is not None:
        return DaskBackend(scheduler, workers)
    if name == "serial" or (workers is not None and workers <= 1):
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers)
    raise ValueError(f"unknown backend {name!r} ({', '.join(BACKENDS)})")

"""Actor tables: reading, validation and scale detection.

One table format (CSV, UTF-8, header row)::

    id, actor, position, capability, salience [, position_spread, capability_spread,
    salience_spread] [, any other columns]

- ``id``: a short identifier used on the command line (``--set russia.salience=50``).
- ``position``: the actor's position on the issue scale (the Idlib table uses 0-100).
- ``capability``: the actor's relative weight. Read as fractions when every value lies in
  0-1, as a 0-100 scale when any value is above 1 (and none above 100), otherwise as raw
  relative weights; ``capability_scale`` overrides. Must be > 0.
- ``salience``: how much the actor cares. Read as fractions when every value lies in 0-1,
  as 0-100 when any value is above 1; ``salience_scale`` overrides. Must lie in the range of
  its scale.
- ``*_spread``: optional standard deviations for the Monte Carlo (see
  :mod:`enclave.politics.odds`); a blank cell means "use the default spread".
- ``as_of``, ``horizon`` (optional, ISO dates, the same on every row): the dated question.
  The table is what was known on ``as_of``; the forecast is of the state on ``horizon``.
- ``evidence_date`` (optional, ISO date): the latest dated source a row relies on. A row
  whose evidence postdates ``as_of`` is an input error (no look-ahead).
- Any other column (sources, assumption labels) is kept in :attr:`Actors.extra` and ignored
  by the models.

The multi-dimensional KTAB CSV format is read as well (line 1 ``scenario, description,
#actors, #dimensions,``; line 2 the header; rows ``name, description, power, pos1, sal1
[, pos2, sal2 ...],``); KTAB positions and saliences are on 0-100, power is a raw weight.

Every problem raises :class:`enclave.errors.EnclaveInputError` naming file, line/field and
problem.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np

from enclave.errors import EnclaveInputError

__all__ = [
    "Actors",
    "EMBEDDED_IDLIB",
    "FIELDS",
    "idlib_actors",
    "parse_actors",
    "read_actors",
]

REQUIRED = ("id", "actor", "position", "capability", "salience")
SPREAD_COLUMNS = ("position_spread", "capability_spread", "salience_spread")
FIELDS = ("position", "capability", "salience")
SCALES = ("auto", "fraction", "percent", "raw")
EMBEDDED_IDLIB = "embedded:idlib-2018"


@dataclass(frozen=True)
class Actors:
    """An actor table as arrays (actors x dimensions), in the units of the file.

    Attributes:
        ids: identifiers, unique.
        names: display names.
        position: ``(n, d)`` positions on the issue scale(s).
        capability: ``(n,)`` capabilities as written in the file.
        salience: ``(n, d)`` saliences as written in the file.
        dimensions: dimension names (``("position",)`` for the one-dimensional format).
        capability_scale: ``fraction``, ``percent`` or ``raw`` (how ``capability`` is read).
        salience_scale: ``fraction`` or ``percent``.
        spread: per-field ``(n,)`` standard deviations; NaN where the table gives none.
        extra: other columns, kept and ignored by the models.
        source: the file (or ``embedded:idlib-2018``).
        lines: the file line of each actor row (for error messages).
        scale: the issue scale's range where the format fixes one (KTAB: 0-100), else None
            (then the scenario bands, where there are any, give it).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    position: np.ndarray
    capability: np.ndarray
    salience: np.ndarray
    dimensions: tuple[str, ...] = ("position",)
    capability_scale: str = "fraction"
    salience_scale: str = "fraction"
    spread: dict[str, np.ndarray] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "<memory>"
    lines: tuple[int, ...] = ()
    scale: tuple[float, float] | None = None

    @property
    def as_of(self) -> str | None:
        """ISO date the table is as of (``as_of`` column), or None."""
        v = self.extra.get("as_of")
        return v[0] if v else None

    @property
    def horizon(self) -> str | None:
        """ISO date the forecast is for (``horizon`` column), or None."""
        v = self.extra.get("horizon")
        return v[0] if v else None

    @property
    def n(self) -> int:
        """Number of actors."""
        return len(self.ids)

    @property
    def c(self) -> np.ndarray:
        """Capability in model units (fractions; raw weights stay raw)."""
        return self.capability / (100.0 if self.capability_scale == "percent" else 1.0)

    @property
    def s(self) -> np.ndarray:
        """Salience as fractions in [0, 1], shape ``(n, d)``."""
        return self.salience / (100.0 if self.salience_scale == "percent" else 1.0)

    @property
    def weight(self) -> np.ndarray:
        """Capability x salience weights ``w_i = c_i s_i``, shape ``(n, d)``."""
        return self.c[:, None] * self.s

    def index(self, actor_id: str, where: str = "") -> int:
        """Position of ``actor_id`` in the table; unknown ids are input errors."""
        try:
            return self.ids.index(actor_id)
        except ValueError:
            raise EnclaveInputError(
                self.source,
                where or None,
                f"unknown actor id {actor_id!r} (known: {', '.join(self.ids)})",
            ) from None

    def subset(self, keep: np.ndarray) -> Actors:
        """The table restricted to the rows where ``keep`` is true (order kept)."""
        idx = np.flatnonzero(keep)
        pick = lambda seq: tuple(seq[i] for i in idx)  # noqa: E731
        return replace(
            self,
            ids=pick(self.ids),
            names=pick(self.names),
            position=self.position[idx],
            capability=self.capability[idx],
            salience=self.salience[idx],
            spread={k: v[idx] for k, v in self.spread.items()},
            extra={k: pick(v) for k, v in self.extra.items()},
            lines=pick(self.lines) if self.lines else (),
        )


def _number(text: str, file: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise EnclaveInputError(
            file, f"line {line}, column {column}", f"not a number: {text.strip()!r}"
        ) from None
    if not math.isfinite(value):
        raise EnclaveInputError(file, f"line {line}, column {column}", f"not finite: {text!r}")
    return value


def _detect(values: np.ndarray, requested: str, allow_raw: bool) -> str:
    if requested != "auto":
        return requested
    if np.all(values <= 1.0):
        return "fraction"
    if not allow_raw or np.all(values <= 100.0):
        return "percent"
    return "raw"


def _check_scales(
    actors: Actors, salience_scale: str, capability_scale: str, allow_raw_capability: bool
) -> Actors:
    file = actors.source
    for name, req in (("salience-scale", salience_scale), ("capability-scale", capability_scale)):
        if req not in SCALES or (name == "salience-scale" and req == "raw"):
            raise EnclaveInputError(file, name, f"unknown scale {req!r}")
    sal = _detect(actors.salience, salience_scale, allow_raw=False)
    cap = _detect(actors.capability, capability_scale, allow_raw=allow_raw_capability)
    top = {"fraction": 1.0, "percent": 100.0}
    for i, line in enumerate(actors.lines):
        for d, dim in enumerate(actors.dimensions):
            value = actors.salience[i, d]
            if not 0.0 <= value <= top[sal]:
                col = "salience" if len(actors.dimensions) == 1 else f"salience of {dim}"
                raise EnclaveInputError(
                    file,
                    f"line {line}, column {col}",
                    f"salience {value:g} out of range 0-{top[sal]:g} ({sal} scale)",
                )
        value = actors.capability[i]
        if value <= 0.0:
            raise EnclaveInputError(
                file, f"line {line}, column capability", f"capability must be > 0, got {value:g}"
            )
        if cap in top and value > top[cap]:
            raise EnclaveInputError(
                file,
                f"line {line}, column capability",
                f"capability {value:g} out of range 0-{top[cap]:g} ({cap} scale)",
            )
    if actors.n < 2:
        raise EnclaveInputError(file, None, f"need at least two actors, found {actors.n}")
    return replace(actors, salience_scale=sal, capability_scale=cap)


def _check_ids(ids: list[str], lines: list[int], file: str) -> None:
    seen: dict[str, int] = {}
    for actor_id, line in zip(ids, lines, strict=True):
        if not actor_id:
            raise EnclaveInputError(file, f"line {line}, column id", "empty actor id")
        if actor_id in seen:
            raise EnclaveInputError(
                file,
                f"line {line}, column id",
                f"duplicate actor id {actor_id!r} (first on line {seen[actor_id]})",
            )
        seen[actor_id] = line


def _iso(text: str, file: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EnclaveInputError(
            file, f"line {line}, column {column}", f"not an ISO date (YYYY-MM-DD): {text!r}"
        ) from None


def _check_dates(extra: dict[str, list[str]], lines: list[int], file: str) -> None:
    """``as_of``/``horizon`` the same on every row, horizon after as_of, no look-ahead."""
    for name in ("as_of", "horizon"):
        values = extra.get(name)
        if values:
            for v, line in zip(values, lines, strict=True):
                _iso(v, file, line, name)
                if v != values[0]:
                    raise EnclaveInputError(
                        file, f"line {line}, column {name}", f"{v} differs from {values[0]}"
                    )
    as_of = extra.get("as_of")
    horizon = extra.get("horizon")
    if as_of and horizon and horizon[0] <= as_of[0]:
        raise EnclaveInputError(
            file, f"line {lines[0]}, column horizon", f"{horizon[0]} is not after as_of {as_of[0]}"
        )
    if as_of and extra.get("evidence_date"):
        limit = date.fromisoformat(as_of[0])
        for v, line in zip(extra["evidence_date"], lines, strict=True):
            if v and _iso(v, file, line, "evidence_date") > limit:
                raise EnclaveInputError(
                    file,
                    f"line {line}, column evidence_date",
                    f"evidence dated {v} is after as_of {as_of[0]} (look-ahead)",
                )


def _parse_standard(rows: list[list[str]], file: str) -> Actors:
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise EnclaveInputError(file, "line 1 (header)", f"missing column(s): {', '.join(missing)}")
    col = {name: header.index(name) for name in header}
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(cell.strip() for cell in r)]
    ids, names, lines, pos, cap, sal = [], [], [], [], [], []
    spreads: dict[str, list[float]] = {k: [] for k in SPREAD_COLUMNS if k in col}
    extra_cols = [h for h in header if h not in REQUIRED and h not in SPREAD_COLUMNS and h]
    extra: dict[str, list[str]] = {h: [] for h in extra_cols}
    for line, row in body:
        if len(row) < len(header):
            raise EnclaveInputError(
                file, f"line {line}", f"{len(row)} fields, the header has {len(header)}"
            )
        cell = lambda name, row=row: row[col[name]].strip()  # noqa: E731
        ids.append(cell("id"))
        names.append(cell("actor"))
        lines.append(line)
        pos.append(_number(cell("position"), file, line, "position"))
        cap.append(_number(cell("capability"), file, line, "capability"))
        sal.append(_number(cell("salience"), file, line, "salience"))
        for name, values in spreads.items():
            text = cell(name)
            value = math.nan if text == "" else _number(text, file, line, name)
            if value < 0:
                raise EnclaveInputError(file, f"line {line}, column {name}", "spread must be >= 0")
            values.append(value)
        for name, values in extra.items():
            values.append(cell(name))
    _check_ids(ids, lines, file)
    _check_dates(extra, lines, file)
    n = len(ids)
    spread = {k.removesuffix("_spread"): np.asarray(v, float) for k, v in spreads.items()}
    for name in FIELDS:
        spread.setdefault(name, np.full(n, np.nan))
    return Actors(
        ids=tuple(ids),
        names=tuple(names),
        position=np.asarray(pos, float).reshape(n, 1),
        capability=np.asarray(cap, float),
        salience=np.asarray(sal, float).reshape(n, 1),
        spread=spread,
        extra={k: tuple(v) for k, v in extra.items()},
        source=file,
        lines=tuple(lines),
    )


def _is_ktab(rows: list[list[str]]) -> bool:
    if len(rows) < 2 or len(rows[0]) < 4 or not rows[1]:
        return False
    try:
        int(rows[0][2].strip()), int(rows[0][3].strip())
    except ValueError:
        return False
    return rows[1][0].strip().lower() == "actor"


def _parse_ktab(rows: list[list[str]], file: str) -> Actors:
    n_actors, n_dims = int(rows[0][2]), int(rows[0][3])
    header = [h.strip() for h in rows[1]]
    width = 3 + 2 * n_dims
    if len([h for h in header if h]) < width:
        raise EnclaveInputError(
            file, "line 2 (header)", f"{n_dims} dimensions need {width} columns"
        )
    dims = tuple(header[3 + 2 * d] for d in range(n_dims))
    body = [(n, r) for n, r in enumerate(rows[2:], start=3) if any(c.strip() for c in r)]
    if len(body) != n_actors:
        raise EnclaveInputError(
            file, "line 1", f"declares {n_actors} actors but {len(body)} rows follow"
        )
    ids, names, lines = [], [], []
    cap = np.empty(n_actors)
    pos = np.empty((n_actors, n_dims))
    sal = np.empty((n_actors, n_dims))
    for a, (line, row) in enumerate(body):
        if len(row) < width:
            raise EnclaveInputError(file, f"line {line}", f"{len(row)} fields, need {width}")
        ids.append(row[0].strip())
        names.append(row[1].strip())
        lines.append(line)
        cap[a] = _number(row[2], file, line, header[2] or "power")
        for d in range(n_dims):
            pos[a, d] = _number(row[3 + 2 * d], file, line, header[3 + 2 * d])
            sal[a, d] = _number(row[4 + 2 * d], file, line, header[4 + 2 * d])
            if not 0.0 <= pos[a, d] <= 100.0:  # SMPModel::csvRead's rule
                raise EnclaveInputError(
                    file, f"line {line}", f"{header[3 + 2 * d]} {pos[a, d]:g} outside 0-100"
                )
    _check_ids(ids, lines, file)
    nan = np.full(n_actors, np.nan)
    return Actors(
        ids=tuple(ids),
        names=tuple(names),
        position=pos,
        capability=cap,
        salience=sal,
        dimensions=dims,
        spread={k: nan.copy() for k in FIELDS},
        source=file,
        lines=tuple(lines),
        scale=(0.0, 100.0),
    )


def parse_actors(
    text: str,
    source: str = "<text>",
    *,
    salience_scale: str = "auto",
    capability_scale: str = "auto",
) -> Actors:
    """Parse an actor table (either format) from CSV text; see the module docstring."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if r]
    if not rows:
        raise EnclaveInputError(source, None, "empty actor table")
    if _is_ktab(rows):
        actors = _parse_ktab(rows, source)
        # KTAB: saliences on 0-100, power is a raw weight.
        sal = "percent" if salience_scale == "auto" else salience_scale
        cap = "raw" if capability_scale == "auto" else capability_scale
        return _check_scales(actors, sal, cap, allow_raw_capability=True)
    actors = _parse_standard(rows, source)
    return _check_scales(actors, salience_scale, capability_scale, allow_raw_capability=True)


def read_actors(
    path: str | Path,
    *,
    salience_scale: str = "auto",
    capability_scale: str = "auto",
) -> Actors:
    """Read an actor table from ``path`` (standard or KTAB format)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EnclaveInputError(path, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise EnclaveInputError(path, None, f"cannot read: {err}") from None
    return parse_actors(
        text, str(path), salience_scale=salience_scale, capability_scale=capability_scale
    )


def idlib_actors(*, salience_scale: str = "auto", capability_scale: str = "auto") -> Actors:
    """The embedded Idlib 2018 actor table (copied from ``shared/data/idlib/actors.csv``).

    Positions on 0-100 (0 full regime offensive ... 100 rebels hold and expand); every value
    is an assumption whose reason and sources are kept in the ``*_source`` columns.
    """
    text = resources.files("enclave.politics").joinpath("data/idlib_actors.csv").read_text("utf-8")
    return parse_actors(
        text, EMBEDDED_IDLIB, salience_scale=salience_scale, capability_scale=capability_scale
    )

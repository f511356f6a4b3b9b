"""The table ``enclave run`` prints: fits the terminal (80 columns too), says how many
members each figure rests on, and ends with a legend that defines every metric shown."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console
from rich.table import Table

from enclave.analysis.summary import DEFINITIONS
from enclave.report.vocab import metric_label, vocabulary
from enclave.scenario.model import Case


def compact(x: float, unit: str) -> str:
    """938k, 1.14M, 12,345, 72, 1.05: short enough for a narrow column."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "never" if unit == "day" else "–"
    if unit == "day":
        return f"{x:.0f}"
    if unit == "1":
        return f"{x:.2f}"
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:.2f}M"
    if a >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}"


def cell(r: pd.Series) -> str:
    """Median, then its 5-95 % band, then 'n=k/N' where not every member has a value."""
    u = r["unit"]
    k, n = int(r["members_with_value"]), int(r["members"])
    if k == 0:
        return "never" if u == "day" else "–"
    s = compact(r["median"], u)
    if k > 1:
        s += f"\n[{compact(r['p05'], u)}–{compact(r['p95'], u)}]"
    if k < n:
        s += f"\nn={k}/{n}"
    return s


def camp_rows(summary: pd.DataFrame, names: list[str]) -> tuple[list, list[str]]:
    """One row per camp cluster that goes over capacity in some scenario (median), fullest
    first: its peak occupancy / capacity and the first day over; and the names of the rest.

    Fourteen clusters x three metrics would not fit a terminal; the CSV has them all."""
    peaks = summary[summary.metric == "camp_peak_ratio"]
    if peaks.empty:
        return [], []
    worst = peaks.groupby("place")["median"].max().sort_values(ascending=False)
    shown, calm = [], []
    for place, top in worst.items():
        if not top > 1.0:
            calm.append(str(place))
            continue
        cells = []
        for n in names:
            pk = peaks[(peaks.place == place) & (peaks.scenario == n)].iloc[0]
            first = summary[
                (summary.metric == "camp_first_over_day")
                & (summary.place == place)
                & (summary.scenario == n)
            ].iloc[0]
            c = cell(pk)
            k = int(first["members_with_value"])
            c += (
                "\nnever over"
                if k == 0
                else f"\nday {first['median']:.0f} (n={k}/{int(first['members'])})"
            )
            cells.append(c)
        shown.append((str(place), cells))
    return shown, calm


def border_note(case: Case, lever: str | None) -> str:
    v = vocabulary(case)
    policy = lever or case.border.policy
    how = "by the --border lever" if lever else "by the case default"
    if policy == "closed":
        return f"{v.border[0].upper() + v.border[1:]} is closed {how}: nobody crosses it."
    return f"{v.border[0].upper() + v.border[1:]}: {policy} {how}."


def print_table(
    summary: pd.DataFrame,
    case: Case,
    members: int,
    scale: int,
    lever: str | None = None,
    console: Console | None = None,
    explain: bool = False,
) -> None:
    """Print the summary table, one row per metric (camp clusters each get their rows).

    Ends with a one-line legend; ``explain=True`` (``enclave run --explain``) adds the
    definition of every metric shown. At most 80 columns, whatever the terminal.
    """
    con = console or Console(width=80)
    if con.width > 80:
        con.width = 80
    names = [s.name for s in case.scenarios]
    vocab = vocabulary(case)
    table = Table(
        title=f"{case.title}\nmedian [5–95 %] over {members} members; 1 agent = {scale} people",
        show_lines=True,
    )
    table.add_column("metric", overflow="fold", ratio=2)
    for n in names:
        table.add_column(n, justify="right", overflow="fold", ratio=1)
    whole = summary[summary.place == ""]
    for metric in whole["metric"].drop_duplicates():
        grp = whole[whole.metric == metric]
        label = metric_label(metric, "", vocab)
        cells = [cell(grp[grp.scenario == n].iloc[0]) for n in names]
        table.add_row(label, *cells)
    shown, calm = camp_rows(summary, names)
    for place, cells in shown:
        table.add_row(f"{place}: peak / capacity; first day over", *cells)
    con.print(table)
    if calm:
        con.print(
            f"Within capacity in every scenario (median peak <= 1): {', '.join(calm)}. "
            "Every cluster's figures: summary.csv and the report.",
            highlight=False,
        )
    con.print(border_note(case, lever))
    if not explain:
        con.print(
            "median [5–95 %] over the members; n=k/N: the figure rests on the k of N members "
            "that have a value. What each metric means: enclave run --explain, or the report.",
            highlight=False,
        )
        return
    con.print("n=k/N: the figure rests on the k of N members that have a value. Definitions:")
    for metric in summary["metric"].drop_duplicates():
        unit, _label, definition = DEFINITIONS[metric]
        label = metric_label(metric, "", vocab)
        con.print(f" • {label} ({unit}): {definition}.", highlight=False)

"""Legends stay off the data and labels do not collide in the report's figures."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from enclave.politics import compare_models, explain, load_bands  # noqa: E402
from enclave.politics.actors import idlib_actors  # noqa: E402
from enclave.report.politics import _distribution_figure, _trajectory_figure  # noqa: E402


def _drawn(fig):  # noqa: ANN001, ANN202
    """Lay out and draw a bare ``Figure`` (as savefig does) and return its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _overlap(a, b) -> bool:
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


@pytest.fixture(scope="module")
def eum():
    actors, bands = idlib_actors(), load_bands()
    cmp = compare_models(actors, bands=bands, smp_runs=0)
    return explain(actors, "eum", bands=bands, values=cmp.models["eum"].values), bands


def test_trajectory_legend_is_outside_and_band_names_apart(eum):
    info, bands = eum
    fig = _trajectory_figure(info, bands)
    r = _drawn(fig)
    ax = fig.axes[0]
    axbox = ax.get_window_extent(r)
    assert ax.get_legend() is None and len(fig.legends) == 1
    leg = fig.legends[0]
    assert not _overlap(leg.get_window_extent(r), axbox), "legend on the lines"
    assert len(leg.get_texts()) == len(info["trajectory"]["positions"]) + 1
    names = [t for t in ax.texts if t.get_text() in bands.names]
    assert len(names) == len(bands.names)
    boxes = [t.get_window_extent(r) for t in names]
    for i, b in enumerate(boxes):
        assert b.x0 >= axbox.x1, "band name inside the axes"
        assert not any(_overlap(b, o) for o in boxes[i + 1 :])
    assert fig.get_window_extent(r).x1 >= max(b.x1 for b in boxes)  # not cut off


def test_distribution_band_names_clear_the_bars(eum):
    info, bands = eum
    fig = _distribution_figure(info, bands)
    r = _drawn(fig)
    ax = fig.axes[0]
    bars = [p.get_window_extent(r) for p in ax.containers[0] if p.get_height() > 0]
    names = [t for t in ax.texts if t.get_text() in bands.names]
    assert len(names) == len(bands.names) and bars
    boxes = [t.get_window_extent(r) for t in names]
    for i, b in enumerate(boxes):
        assert not any(_overlap(b, bar) for bar in bars), "band name on a bar"
        assert not any(_overlap(b, o) for o in boxes[i + 1 :])


@pytest.mark.parametrize("which", ["idlib", "daraa"])
def test_needs_axis_labels_do_not_collide(which, idlib_small_run, daraa_run, monkeypatch):
    """The symlog axis of the needs chart: no two tick labels on top of each other (0 and
    100 used to print in one spot) and whole weeks on the x axis."""
    import xarray as xr

    from enclave.analysis.needs import load_standards, needs_table
    from enclave.report import html

    out, _ = idlib_small_run if which == "idlib" else daraa_run
    ds = xr.open_dataset(out / "results.nc").load()
    s = str(ds.scenario.values[0])
    monkeypatch.setattr(html, "_png", lambda fig: fig)
    fig = html.needs_figure(needs_table(ds, s, load_standards()), s)
    try:
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        ax = fig.axes[0]
        lo, hi = ax.get_ylim()
        ticks = [t for t in ax.yaxis.get_major_ticks() if lo <= t.get_loc() <= hi]
        boxes = [t.label1.get_window_extent(r) for t in ticks if t.label1.get_text()]
        assert len(boxes) >= 2
        for i, b in enumerate(boxes):
            assert not any(_overlap(b, o) for o in boxes[i + 1 :]), [t.get_loc() for t in ticks]
        assert all(float(x).is_integer() for x in ax.get_xticks())
    finally:
        html.plt.close(fig)


@pytest.mark.parametrize("which", ["idlib", "daraa"])
def test_map_labels_do_not_collide(which, idlib_small_run, daraa_run):
    """Every text on the detailed map (place names, flow volumes, unit and country names)
    keeps clear of every other: arrows to neighbouring places start at one centre, and
    their volumes used to be written on top of each other at the arrows' midpoints."""
    import xarray as xr

    from enclave.report.maps import map_figure
    from enclave.report.vocab import vocabulary
    from enclave.scenario import load
    from tests.report.conftest import DARAA

    out, _ = idlib_small_run if which == "idlib" else daraa_run
    case = load(None) if which == "idlib" else load(str(DARAA))
    ds = xr.open_dataset(out / "results.nc").load()
    s = str(ds.scenario.values[0])
    day = int(ds["scenario_days"].sel(scenario=s)) - 1
    fig = map_figure(ds, case, vocabulary(case), s, day)
    r = _drawn(fig)
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().strip() and t.get_visible()]
    if which == "idlib":  # the full offensive's last day has flows to write
        assert any(t.get_text().startswith("+") for t in texts), [t.get_text() for t in texts]
    boxes = [(t.get_text(), t.get_window_extent(r)) for t in texts]
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1 :]:
            assert not _overlap(ba, bb), f"{a!r} on {b!r}"

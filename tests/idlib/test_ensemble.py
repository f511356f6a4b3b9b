"""Population split, ensemble seeds and draws, mass conservation, same seed -> same results."""

import numpy as np
import pytest

from enclave.ensemble import (
    ProcessBackend,
    SerialBackend,
    member_specs,
    run_ensemble,
    save_netcdf,
    to_dataset,
)
from enclave.ensemble.inputs import central_values, member_inputs, people
from enclave.scenario.model import INPUT_NAMES


def test_people_split_counts_nobody_twice(small_case, idlib):
    v = central_values(small_case)
    ppl = people(small_case, v)
    # camp residents + towns = the drawn total; crossings, Turkey, government hold nobody
    assert ppl.population.sum() + ppl.residents.sum() == pytest.approx(10_000)
    assert ppl.population.tolist()[:2] == pytest.approx([9500 * 0.25, 9500 * 0.75])
    assert ppl.population[2:].sum() == 0 and ppl.residents.tolist()[2] == 500
    # town IDP share: (0.45 x 10,000 - 500 in camps) / 9,500
    share = (0.45 * 10_000 - 500) / 9_500
    assert ppl.town_idp_share == pytest.approx(share)
    willing = share * 0.65 + (1 - share) * 0.55
    assert ppl.willing.sum() == pytest.approx(9500 * willing)
    assert ppl.capacity[2] == 1000  # given in the file
    v = central_values(idlib)
    p2 = people(idlib, v)
    assert p2.population.sum() + p2.residents.sum() == pytest.approx(2_900_000)
    names = [p.name for p in idlib.places]
    atmeh = names.index("Atmeh camps")
    atmeh_residents = next(p.residents for p in idlib.places if p.name == "Atmeh camps")
    assert p2.capacity[atmeh] == pytest.approx(atmeh_residents / v["camp_occupancy"])


def test_member_inputs_scale(small_case):
    v = central_values(small_case)
    mi = member_inputs(small_case, small_case.scenario("attack"), v, scale=10)
    assert mi.drivers.initial_agents.tolist() == [0, 0, 50, 0, 0, 0]
    assert mi.network.capacity.tolist() == [-1, -1, 100, -1, -1, -1]
    assert mi.rules.take_from_population and mi.rules.conflict_spawn_mode == "pop_ratio"
    assert mi.rules.displaced_per_conflict_day == pytest.approx(0.075)
    # a quota of 50 people a day is 5 agents at scale 10
    assert set(np.unique(mi.drivers.link_capacity)) <= {-1, 0, 5}
    assert (mi.drivers.link_capacity == 5).any()


def test_specs_seeds_and_draws(idlib):
    names = [s.name for s in idlib.scenarios]
    specs, draws = member_specs(idlib, names, 5, seed=7)
    assert len(specs) == 20 and draws.shape == (5, len(INPUT_NAMES))
    assert len({s.seed for s in specs}) == 20  # independent engine seeds
    for j, k in enumerate(INPUT_NAMES):
        r = getattr(idlib.inputs, k)
        assert (draws[:, j] >= r.low).all() and (draws[:, j] <= r.high).all()
    # the same member index gets the same inputs in every scenario (common random numbers)
    assert specs[0].values == specs[5].values and specs[0].values != specs[1].values
    again, draws2 = member_specs(idlib, names, 5, seed=7)
    assert again == specs and np.array_equal(draws, draws2)
    other, _ = member_specs(idlib, names, 5, seed=8)
    assert other[0].seed != specs[0].seed


def test_mass_conservation_small_run(idlib):
    run = run_ensemble(
        idlib, ["limited-offensive"], members=2, seed=3, scale=400, backend=SerialBackend()
    )
    ds = to_dataset(run)
    alive = ds["occupancy"].sum("place") + ds["on_roads"]
    # conservation holds in agents: camp residents are rounded to whole agents of 400 people
    initial = (np.rint(ds["initial"] / 400) * 400).sum("place")
    created = initial + ds["newly_displaced"].cumsum("day")
    assert float(abs(alive - created).max()) == 0.0
    assert float(ds["newly_displaced"].sum()) > 0
    assert float(ds["unplaced"].max()) == 0
    # people newly displaced never exceed those willing to leave
    assert float(ds["newly_displaced"].sum("day").max()) <= float(ds["willing"].sum("place").min())


def test_same_seed_same_numbers_any_backend(small_case, tmp_path):
    a = to_dataset(run_ensemble(small_case, members=3, seed=11, backend=SerialBackend()))
    b = to_dataset(run_ensemble(small_case, members=3, seed=11, backend=ProcessBackend(2)))
    c = to_dataset(run_ensemble(small_case, members=3, seed=12, backend=SerialBackend()))
    for name in ("occupancy", "arrivals", "newly_displaced"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
    assert not np.array_equal(a["occupancy"].values, c["occupancy"].values)
    # the shorter scenario is padded with NaN after its end
    assert np.isnan(a["occupancy"].sel(scenario="quiet").values[:, 8:]).all()
    save_netcdf(a, tmp_path / "a.nc")
    save_netcdf(b, tmp_path / "b.nc")
    import xarray as xr

    with (
        xr.open_dataset(tmp_path / "a.nc", engine="h5netcdf") as ra,
        xr.open_dataset(tmp_path / "b.nc", engine="h5netcdf") as rb,
    ):
        xr.testing.assert_identical(ra, rb)
        assert ra.attrs["Conventions"] == "CF-1.8" and ra.attrs["seed"] == 11
        assert ra["occupancy"].attrs["units"] == "people"
        assert ra["lat"].attrs["units"] == "degrees_north"
        assert ra["place"].attrs["cf_role"] == "timeseries_id"
        assert "input_spawn_rate" in ra.coords and ra["input_spawn_rate"].dims == ("member",)
        assert str(ra["time"].values[0])[:10] == "2018-09-07"
    assert not list(tmp_path.glob(".*tmp"))

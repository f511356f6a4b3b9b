"""Members draw calibrated inputs as whole posterior particles, by weight."""

import copy

import numpy as np
import pytest

from enclave.calibration.files import apply_calibration, read_calibration
from enclave.ensemble.runner import member_specs
from enclave.errors import EnclaveInputError
from enclave.scenario import load
from enclave.scenario.model import INPUT_NAMES


def _calibration(tmp_path, posterior):
    import yaml

    data = copy.deepcopy(read_calibration("idlib-2019"))
    data.pop("_file")
    data["posterior"] = posterior
    f = tmp_path / "cal.yaml"
    f.write_text(yaml.safe_dump(data), encoding="utf-8")
    return f


def test_members_take_whole_particles_by_weight(tmp_path):
    names = [
        "leave_share_residents",
        "leave_share_idps",
        "spawn_rate",
        "front_crossing_rate",
        "ground_leave_share",
        "distance_power",
    ]
    particles = [
        [0.55, 0.66, 0.11, 0.0001, 0.2, 0.4],
        [0.60, 0.72, 0.18, 0.0005, 0.9, 0.8],
        [0.58, 0.7, 0.15, 0.0, 0.5, 0.6],
    ]
    post = {"names": names, "particles": particles, "weights": [0.7, 0.3, 0.0]}
    case = apply_calibration(load("idlib-2019"), read_calibration(_calibration(tmp_path, post)))
    specs, draws = member_specs(case, ["observed"], 400, seed=3)
    cols = [INPUT_NAMES.index(k) for k in names]
    rows = [tuple(r) for r in draws[:, cols]]
    assert set(rows) <= {tuple(p) for p in particles[:2]}  # weight 0: never drawn
    share = np.mean([r == tuple(particles[0]) for r in rows])
    assert share == pytest.approx(0.7, abs=0.07)
    # the other inputs are drawn as without a posterior (common random numbers kept)
    plain = apply_calibration(load("idlib-2019"), read_calibration("idlib-2019"))
    plain = plain.model_copy(update={"posterior": None})
    _, draws0 = member_specs(plain, ["observed"], 400, seed=3)
    other = [j for j in range(len(INPUT_NAMES)) if j not in cols]
    np.testing.assert_array_equal(draws[:, other], draws0[:, other])


def test_shipped_calibration_carries_its_posterior():
    data = read_calibration("idlib-2019")
    post = data["posterior"]
    assert post["names"] == data["parameter_set"] and len(post["particles"]) >= 100
    case = apply_calibration(load("idlib-2019"), data)
    _, draws = member_specs(case, ["observed"], 50, seed=0)
    j = INPUT_NAMES.index("spawn_rate")
    assert {round(x, 6) for x in draws[:, j]} <= {round(p[2], 6) for p in post["particles"]}


def test_bad_posterior_is_one_line(tmp_path):
    f = _calibration(tmp_path, {"names": ["spawn_rate"], "particles": [[0.1, 0.2]], "weights": [1]})
    with pytest.raises(EnclaveInputError, match="posterior"):
        read_calibration(f)

"""The pipeline module: the public ``enclave.run_case`` and output checks before any run."""

from __future__ import annotations

import os

import pytest

import enclave
from enclave.cli import main
from enclave.io import write_all
from enclave.pipeline import run as run_mod

TINY = os.path.dirname(__file__) + "/../idlib/conftest.py"


@pytest.fixture()
def tiny_case(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("idlib_conftest", TINY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    path = tmp_path / "tiny.yaml"
    path.write_text(mod.SMALL_CASE)
    return path


def test_run_case_from_a_path_is_the_public_api(tmp_path, tiny_case):
    res = enclave.run_case(
        tiny_case, tmp_path / "out", members=2, seed=3, workers=1, sensitivity=False
    )
    assert (tmp_path / "out" / "results.nc").exists()
    assert set(res.summary["scenario"]) == {"attack", "quiet"}


def test_out_under_a_file_is_refused_before_any_member_runs(
    tmp_path, tiny_case, monkeypatch, capsys
):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ran = []
    monkeypatch.setattr(run_mod, "run_specs", lambda *a, **k: ran.append(1))
    rc = main(
        [
            "run",
            str(tiny_case),
            "--out",
            str(blocker / "sub"),
            "--members",
            "1",
            "--workers",
            "1",
            "--no-sensitivity",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and not ran
    assert "is a file, not a folder" in err and "Traceback" not in err and err.count("\n") == 1


def test_write_all_leaves_nothing_when_one_file_fails(tmp_path):
    def boom(p):
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_all({tmp_path / "a.txt": lambda p: p.write_text("a"), tmp_path / "b.txt": boom})
    assert list(tmp_path.iterdir()) == []


def test_flee_out_under_a_file_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    import enclave.displacement.flee_run as flee_run

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(flee_run, "run_flee", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    rc = main(["flee", "--example", "mali", "--out", str(blocker / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "is a file, not a folder" in err and "Traceback" not in err

import pytest

from tests.idlib.conftest import SMALL_CASE


@pytest.fixture()
def tiny_path(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_CASE)
    return path


@pytest.fixture()
def tiny():
    from enclave.scenario import loads

    return loads(SMALL_CASE, "tiny.yaml")

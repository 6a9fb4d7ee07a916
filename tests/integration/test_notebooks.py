"""Every notebook in notebooks/ is stored clean and runs top to bottom with nbclient, drawing a plot.

Notebooks are found with a glob, so a new one is tested as soon as it lands. They run in a kernel
of this very interpreter: a temporary `python3` kernelspec written by ipykernel for
`sys.executable` is put first on `JUPYTER_PATH`, so a stale user or system `python3` kernelspec
(pointing at another Python without the project's packages) is never used. The kernel draws with
matplotlib's inline backend, so plots come back as `image/png` outputs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL_NAME = "python3"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_executed: dict[Path, nbformat.NotebookNode | BaseException] = {}


@pytest.fixture(scope="module")
def this_python_kernel(tmp_path_factory):
    """A `python3` kernelspec for `sys.executable`, first on JUPYTER_PATH for this module's tests."""
    data_dir = tmp_path_factory.mktemp("jupyter_data")
    # MPLBACKEND: an Agg backend inherited from the caller's shell would give no image outputs.
    write_kernel_spec(data_dir / "kernels" / KERNEL_NAME,
                      overrides={"display_name": "Python 3 (this interpreter)",
                                 "env": {"MPLBACKEND": INLINE_BACKEND}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(data_dir))
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        assert spec.argv[0] == sys.executable, spec.argv
        yield spec


def _execute(path: Path) -> nbformat.NotebookNode:
    """The notebook executed in a fresh kernel (once per test session; a failure is remembered)."""
    if path not in _executed:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name=KERNEL_NAME,
                                resources={"metadata": {"path": str(ROOT)}})
        try:
            client.execute()
            _executed[path] = nb
        except BaseException as exc:  # noqa: BLE001 (re-raised for every test that needs the run)
            _executed[path] = exc
    result = _executed[path]
    if isinstance(result, BaseException):
        raise result
    return result


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.cells, f"{path.name} has no cells"
    dirty = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: code cells {dirty} are stored with outputs or an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_executes_without_errors(path: Path, this_python_kernel) -> None:
    nb = _execute(path)
    errors = [output for cell in nb.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors, errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_draws_a_plot(path: Path, this_python_kernel) -> None:
    nb = _execute(path)
    images = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
              if "image/png" in output.get("data", {})]
    assert images, f"{path.name} produced no image/png output (no plot)"

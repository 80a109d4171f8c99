"""Executes a notebook with nbclient, as papermill would: the values given
override the cell tagged `parameters` through a cell inserted after it (tagged
`injected-parameters`). Every cell runs; the first error stops the run.

    python execute.py NOTEBOOK OUTPUT PARAMETERS_JSON

The executed notebook (outputs included) is written to OUTPUT, also when a
cell fails, so its outputs show what went wrong. Exit 1 on a failed cell.
"""
import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def inject(nb, parameters):
    index = next((i for i, c in enumerate(nb.cells) if 'parameters' in c.get('metadata', {}).get('tags', [])), None)
    if index is None:
        raise SystemExit('the notebook has no cell tagged "parameters"')
    source = '# Parameters injected by the notebook suite\n' + ''.join(f'{k} = {v!r}\n' for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={'tags': ['injected-parameters']})
    nb.cells.insert(index + 1, cell)


def kernel_path():
    """A kernelspec `python3` for this interpreter, found before any other on the machine."""
    spec_dir = tempfile.mkdtemp(prefix='notebook-kernel-')
    kernel = os.path.join(spec_dir, 'kernels', 'python3')
    os.makedirs(kernel)
    with open(os.path.join(kernel, 'kernel.json'), 'w') as f:
        json.dump({'argv': [sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
                   'display_name': 'Python 3', 'language': 'python'}, f)
    return spec_dir


def main(argv):
    notebook, output, parameters = argv
    nb = nbformat.read(notebook, as_version=4)
    inject(nb, json.loads(parameters))
    os.environ['JUPYTER_PATH'] = kernel_path()
    client = NotebookClient(nb, kernel_name='python3', timeout=300, allow_errors=False,
                            resources={'metadata': {'path': os.path.dirname(os.path.abspath(notebook))}})
    status = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(str(e), file=sys.stderr)
        status = 1
    nbformat.write(nb, output)
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

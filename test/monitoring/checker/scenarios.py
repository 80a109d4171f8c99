#!/usr/bin/env python3
"""Runs many checker scenarios in one process, so that numpy, scipy and scikit-learn are
imported once (the checker's own main() with its real command lines):

    scenarios.py <plan.json> <folder>

plan.json is a list of {"id", "spec"?, "files"?, "runs": [[arg, ...], ...]}: generate.py writes
the scenario from "spec" into <folder>/<id>, "files" (relative path -> text) are written there
too, then each run is model_monitor.main(args), with
"{dir}" in an argument replaced by <folder>/<id>. Prints, as JSON, per id: each run's exit
status, stdout and stderr, report.json (from {dir}/report) and expected.json when present.
"""
import contextlib
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'src', 'monitoring', 'checker'))

import generate  # noqa: E402
import model_monitor  # noqa: E402


def read(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def run(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = model_monitor.main(args)
        except SystemExit as e:  # argparse
            code = e.code
    return {'exit': code, 'stdout': out.getvalue(), 'stderr': err.getvalue()}


def main(plan_path, folder):
    with open(plan_path, encoding='utf-8') as f:
        plan = json.load(f)
    results = {}
    for item in plan:
        d = os.path.join(folder, item['id'])
        os.makedirs(d, exist_ok=True)
        if item.get('spec') is not None:
            with open(os.path.join(d, 'spec.json'), 'w', encoding='utf-8') as f:
                json.dump(item['spec'], f)
            generate.main(os.path.join(d, 'spec.json'), d)
        for name, text in (item.get('files') or {}).items():
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
                f.write(text)
        runs = [run([a.replace('{dir}', d) for a in args]) for args in item['runs']]
        results[item['id']] = {'dir': d, 'runs': runs, 'report': read(os.path.join(d, 'report', 'report.json')),
                               'expected': read(os.path.join(d, 'expected.json'))}
    print(json.dumps(results))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

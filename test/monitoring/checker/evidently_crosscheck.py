#!/usr/bin/env python3
"""Evidently's own report on the scenarios the checker checked (test-only cross-check):

    evidently_crosscheck.py <scenario folder>...

Each folder holds reference/train.csv (the target y is dropped) and current.csv (the rows
the captures carry), as test/monitoring/checker/generate.py writes them. Evidently infers
the column types itself and runs its DataDriftPreset with every default. Prints, as JSON,
per folder: each column's test, score and threshold as Evidently names them, and the
share and count of drifted columns.
"""
import json
import os
import sys

os.environ.setdefault('DO_NOT_TRACK', '1')  # evidently/telemetry.py

import pandas as pd  # noqa: E402
from evidently import Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

# ValueDrift's display names (evidently legacy/calculations/stattests/*.py) -> the checker's method names
METHODS = {
    'K-S p_value': 'ks',
    'chi-square p_value': 'chisquare',
    'Z-test p_value': 'z',
    'Jensen-Shannon distance': 'jensenshannon',
    'Wasserstein distance (normed)': 'wasserstein',
}


def run(folder):
    reference = pd.read_csv(os.path.join(folder, 'reference', 'train.csv')).drop(columns=['y'])
    current = pd.read_csv(os.path.join(folder, 'current.csv'))
    snapshot = Report([DataDriftPreset()]).run(Dataset.from_pandas(current), Dataset.from_pandas(reference))
    out = {'features': {}}
    for metric in snapshot.dict()['metrics']:
        config = metric['config']
        if config['type'].endswith(':ValueDrift'):
            out['features'][config['column']] = {'method': METHODS.get(config['method'], config['method']),
                                                 'score': float(metric['value']), 'threshold': config['threshold']}
        elif config['type'].endswith(':DriftedColumnsCount'):
            out['drifted_count'] = metric['value']['count']
            out['drift_share'] = metric['value']['share']
            out['dataset_drift'] = metric['value']['share'] >= config['drift_share']
    return out


if __name__ == '__main__':
    print(json.dumps({folder: run(folder) for folder in sys.argv[1:]}, indent=2))

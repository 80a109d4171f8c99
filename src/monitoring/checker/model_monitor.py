#!/usr/bin/env python3
"""The model monitor's checker: a baseline from the training data, and drift,
data-quality and model-quality checks of an endpoint's captured traffic.

    python3 model_monitor.py baseline --data <csv|jsonl file or dir> --output <dir>
    python3 model_monitor.py check --baseline <baseline.json> --captures <dir> --output <dir>
        [--ground-truth <dir>] [--problem-type regression|binary|multiclass]
        [--start <ISO time>] [--end <ISO time>] [--min-records <n>]
        [--endpoint <name>] [--cloudwatch-namespace <ns>]

It runs on SageMaker's stock scikit-learn image (numpy, scipy, pandas and
scikit-learn inside; no network needed except to publish to CloudWatch, which
imports boto3 only then). One file, so that it ships as one asset.

Drift tests and thresholds are Evidently's defaults (evidently 0.7.23,
legacy/calculations/stattests/registry.py and the tests it picks; presets/drift.py
for the dataset share): for a reference of at most 1000 rows, K-S (p <= 0.05),
chi-square or a two-proportion Z-test (p < 0.05); above, the Wasserstein distance
divided by the reference's standard deviation or the Jensen-Shannon distance
(>= 0.1). The dataset drifts when at least half of the features drift.

Exit status: 0 when it checked (drift or not) or skipped a window with too few
records; 1 when it could not check (the reason is in report.json and on stderr);
2 for a bad command line; 3 when the report is written but CloudWatch refused it.
"""
import argparse
import base64
import binascii
import csv
import datetime as dt
import html
import io
import json
import math
import os
import re
import sys

import numpy as np

VERSION = 1

# Evidently's defaults (evidently 0.7.23): stattests/registry.py::_get_default_stattest picks
# by reference size (<= 1000 rows is "small") and by the unique values of reference and
# current together; each test's default threshold is in its own module.
SMALL_REFERENCE_ROWS = 1000
P_VALUE_THRESHOLD = 0.05       # ks_stattest, chisquare_stattest, z_stattest
DISTANCE_THRESHOLD = 0.1       # wasserstein_distance_norm, jensenshannon
DATASET_DRIFT_SHARE = 0.5      # presets/drift.py: DriftedColumnsCount(drift_share=0.5)
INTEGER_CARDINALITY_LIMIT = 10  # core/datasets.py: integer columns with at most 10 unique values are categorical
WASSERSTEIN_MIN_STD = 0.001    # wasserstein_distance_norm: norm = max(std(reference), 0.001)

DEFAULT_MIN_RECORDS = 100
DEFAULT_MAX_SAMPLE = 20000
DEFAULT_PROBABILITY_THRESHOLD = 0.5

# PutMetricData takes at most 1000 metrics per request and 30 dimensions per metric
# (CloudWatch API Reference, PutMetricData); dimension values are 1-1024 characters.
CLOUDWATCH_BATCH = 1000
CLOUDWATCH_DIMENSION_VALUE_MAX = 1024

MISSING_STRINGS = {'', 'nan', 'NaN', 'NAN', 'null', 'NULL', 'None', 'NA', 'N/A'}
HOUR_PATH = re.compile(r'(?:^|/)(\d{4})/(\d{2})/(\d{2})/(\d{2})(?:/|$)')


class CheckError(Exception):
    """The checker cannot go on: the message says what is wrong and how to fix it."""


# ------------------------------------------------------------------ values

def is_missing(value):
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in MISSING_STRINGS


def as_number(value):
    """The finite float a value holds, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        f = float(value)
    elif isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) else None


def looks_integer(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and re.fullmatch(r'\s*[+-]?\d+\s*', value) is not None


def category(value):
    """One spelling per category: 1, 1.0 and "1" are the same category."""
    number = as_number(value)
    if number is not None:
        return str(int(number)) if number.is_integer() and abs(number) < 2 ** 53 else repr(number)
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return str(value).strip()


def parse_time(text, argument):
    """An ISO 8601 time as an aware UTC datetime (naive times are UTC)."""
    if isinstance(text, (int, float)):
        return dt.datetime.fromtimestamp(text, dt.timezone.utc)
    s = str(text).strip()
    m = re.fullmatch(r'(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?', s)
    if not m:
        raise CheckError(f'{argument} must be an ISO 8601 time such as 2026-01-31T13:00:00Z, got {text!r}')
    date, clock, fraction, zone = m.groups()
    if len(clock) == 5:
        clock += ':00'
    micro = (fraction or '.0')[1:7].ljust(6, '0')
    if zone in (None, 'Z'):
        zone = '+00:00'
    elif ':' not in zone:
        zone = zone[:3] + ':' + zone[3:]
    try:
        return dt.datetime.fromisoformat(f'{date}T{clock}.{micro}{zone}').astimezone(dt.timezone.utc)
    except ValueError as e:
        raise CheckError(f'{argument} must be an ISO 8601 time such as 2026-01-31T13:00:00Z, got {text!r} ({e})') from None


def iso(t):
    return t.astimezone(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ') if t else None


def files_under(path, suffixes, argument):
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise CheckError(f'{argument} {path} does not exist: give a file or a folder')
    found = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        found.extend(os.path.join(root, n) for n in sorted(names) if n.lower().endswith(suffixes))
    return found


# ------------------------------------------------------------------ baseline

def csv_rows(text):
    return [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]


def first_row_is_header(rows):
    """A first row none of whose cells is a number, above rows with numbers (or all new words)."""
    if len(rows) < 2 or any(as_number(c) is not None for c in rows[0]):
        return False
    width = len(rows[0])
    body = [r for r in rows[1:] if len(r) == width]
    if any(as_number(c) is not None for r in body for c in r):
        return True
    return all(rows[0][i].strip() not in {r[i].strip() for r in body} for i in range(width)) and len(set(rows[0])) == width


def read_table(path, header):
    """(names or None, rows of raw values) from the CSV and JSON Lines files at `path`."""
    files = files_under(path, ('.csv', '.jsonl', '.json'), '--data')
    if not files:
        raise CheckError(f'--data {path} holds no .csv or .jsonl file: give the training data the model learnt from')
    names, rows = None, []
    for file in files:
        with open(file, encoding='utf-8') as f:
            text = f.read()
        if file.lower().endswith('.csv'):
            part = csv_rows(text)
            has_header = {'present': True, 'absent': False}.get(header) if header != 'auto' else first_row_is_header(part)
            if has_header and part:
                if names is not None and names != [c.strip() for c in part[0]]:
                    raise CheckError(f'{file} has the header {part[0]}, another file has {names}: every file of --data needs the same columns')
                names = [c.strip() for c in part[0]]
                part = part[1:]
            rows.extend(part)
        else:
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as e:
                    raise CheckError(f'{file} line {number} is not JSON ({e}): --data takes CSV or JSON Lines') from None
                if isinstance(item, dict):
                    if names is None:
                        names = list(item)
                    rows.append([item.get(n) for n in names])
                elif isinstance(item, list):
                    rows.append(item)
                else:
                    raise CheckError(f'{file} line {number} is {type(item).__name__}: each JSON line must be an object or an array of values')
    if not rows:
        raise CheckError(f'--data {path} has no rows: give the training data the model learnt from')
    width = len(names) if names else len(rows[0])
    bad = [i for i, r in enumerate(rows) if len(r) != width]
    if bad:
        raise CheckError(f'--data row {bad[0] + 1} has {len(rows[bad[0]])} values, the first has {width}: every row needs the same columns')
    if not names:
        names = [f'feature_{i}' for i in range(width)]
    names = [n if str(n).strip() else f'feature_{i}' for i, n in enumerate(names)]
    if len(set(names)) != len(names):
        raise CheckError(f'--data has repeated column names {names}: name each column once')
    return names, rows


def resolve_column(names, spec, argument):
    if spec in names:
        return names.index(spec)
    if spec == 'last':
        return len(names) - 1
    if re.fullmatch(r'\d+', spec or '') and int(spec) < len(names):
        return int(spec)
    raise CheckError(f'{argument} {spec!r} is not a column of --data ({", ".join(names)}): give a column name, a 0-based index or "last"')


def summarize_feature(name, values, present, numbers, kind, max_sample, rng):
    feature = {'name': name, 'type': kind, 'count': len(values), 'missing': len(values) - len(present)}
    if kind == 'numerical':
        x = np.array(numbers, dtype=float)
        feature['unique'] = int(len(np.unique(x)))
        feature['integral'] = bool(len(x) and np.all(np.mod(x, 1) == 0))
        if len(x):
            q = np.quantile(x, [0, 0.25, 0.5, 0.75, 1])
            feature['summary'] = {
                'min': float(x.min()), 'max': float(x.max()), 'mean': float(x.mean()), 'std': float(np.std(x)),
                'sum': float(x.sum()), 'quantiles': {'p0': q[0], 'p25': q[1], 'p50': q[2], 'p75': q[3], 'p100': q[4]},
            }
        feature['sampled'] = bool(len(x) > max_sample)
        sample = rng.choice(x, size=max_sample, replace=False) if len(x) > max_sample else x
        feature['sample'] = [float(v) for v in sample]
    else:
        counts = {}
        for v in present:
            c = category(v)
            counts[c] = counts.get(c, 0) + 1
        feature['unique'] = len(counts)
        feature['categories'] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return feature


def make_baseline(args):
    names, rows = read_table(args.data, args.header)
    target = None
    if args.target_column:
        target = resolve_column(names, args.target_column, '--target-column')
    forced = [c.strip() for c in (args.categorical_columns or '').split(',') if c.strip()]
    numerical = [c.strip() for c in (args.numerical_columns or '').split(',') if c.strip()]
    for option, columns in (('--categorical-columns', forced), ('--numerical-columns', numerical)):
        for c in columns:
            if c not in names:
                raise CheckError(f'{option} {c!r} is not a column of --data ({", ".join(names)}): name columns of the header')
    both = sorted(set(forced) & set(numerical))
    if both:
        raise CheckError(f'{", ".join(both)} is in both --categorical-columns and --numerical-columns: name each column in one')
    rng = np.random.default_rng(0)
    features = []
    for i, name in enumerate(names):
        if i == target:
            continue
        values = [r[i] for r in rows]
        present = [v for v in values if not is_missing(v)]
        numbers = [as_number(v) for v in present]
        numeric = bool(present) and None not in numbers
        # evidently core/datasets.py::infer_column_type: floats are numerical; integers are
        # categorical up to INTEGER_CARDINALITY_LIMIT = 10 unique values (a column with missing
        # values reads as floats there); strings are categorical
        integers = numeric and len(present) == len(values) and all(looks_integer(v) for v in present)
        if name in forced:
            kind = 'categorical'
        elif name in numerical:
            if not numeric:
                bad = next(v for v in present if as_number(v) is None)
                raise CheckError(f'--numerical-columns {name!r} holds {bad!r}, not a number: leave it out, or clean the data')
            kind = 'numerical'
        elif integers and len({category(v) for v in present}) <= INTEGER_CARDINALITY_LIMIT:
            kind = 'categorical'
        else:
            kind = 'numerical' if numeric else 'categorical'
        features.append(summarize_feature(name, values, present, numbers, kind, args.max_sample, rng))
    if not features:
        raise CheckError('--data has no feature column besides --target-column: give the features the endpoint receives')
    baseline = {
        'version': VERSION,
        'kind': 'cdk-sagemaker-github/model-monitor-baseline',
        'created': iso(dt.datetime.now(dt.timezone.utc)),
        'reference_rows': len(rows),
        'columns': names,
        'target_column': names[target] if target is not None else None,
        'features': features,
        'drift': drift_settings(),
    }
    os.makedirs(args.output, exist_ok=True)
    write_json(os.path.join(args.output, 'baseline.json'), baseline, indent=None)
    write_json(os.path.join(args.output, 'statistics.json'), statistics_json(baseline))
    write_json(os.path.join(args.output, 'constraints.json'), constraints_json(baseline))
    print(f'model_monitor: baseline of {len(rows)} rows, {len(features)} features -> {args.output}')
    return 0


def drift_settings():
    return {
        'source': 'evidently 0.7.23 defaults',
        'small_reference_rows': SMALL_REFERENCE_ROWS,
        'p_value_threshold': P_VALUE_THRESHOLD,
        'distance_threshold': DISTANCE_THRESHOLD,
        'dataset_drift_share': DATASET_DRIFT_SHARE,
    }


def statistics_json(baseline):
    """Model Monitor's statistics.json shape (SageMaker Developer Guide, "Schema for Statistics"),
    with exact 10-bucket histograms in place of a KLL sketch."""
    out = []
    for f in baseline['features']:
        common = {'num_present': f['count'] - f['missing'], 'num_missing': f['missing']}
        if f['type'] == 'numerical':
            s = f.get('summary')
            numerical = {'common': common}
            if s:
                edges = np.linspace(s['min'], s['max'], 11) if s['max'] > s['min'] else np.array([s['min'], s['max']])
                counts = np.histogram(np.array(f['sample']), bins=edges)[0] if len(edges) > 2 else np.array([len(f['sample'])])
                numerical.update({'mean': s['mean'], 'sum': s['sum'], 'std_dev': s['std'], 'min': s['min'], 'max': s['max'],
                                  'distribution': {'kll': {'buckets': [
                                      {'lower_bound': float(edges[i]), 'upper_bound': float(edges[i + 1]), 'count': float(c)}
                                      for i, c in enumerate(counts)]}}})
            out.append({'name': f['name'], 'inferred_type': 'Integral' if f.get('integral') else 'Fractional',
                        'numerical_statistics': numerical})
        else:
            out.append({'name': f['name'], 'inferred_type': 'String', 'string_statistics': {
                'common': common, 'distinct_count': float(f['unique']),
                'distribution': {'categorical': {'buckets': [{'value': k, 'count': v} for k, v in f['categories'].items()]}}}})
    return {'version': 0, 'dataset': {'item_count': baseline['reference_rows']}, 'features': out}


def constraints_json(baseline):
    """Model Monitor's constraints.json shape ("Schema for Constraints"), plus the drift settings."""
    out = []
    for f in baseline['features']:
        entry = {'name': f['name'], 'completeness': (f['count'] - f['missing']) / f['count'] if f['count'] else 0.0}
        if f['type'] == 'numerical':
            entry['inferred_type'] = 'Integral' if f.get('integral') else 'Fractional'
            entry['num_constraints'] = {'is_non_negative': bool(f.get('summary') and f['summary']['min'] >= 0)}
        else:
            entry['inferred_type'] = 'String'
            entry['string_constraints'] = {'domains': list(f['categories'])}
        out.append(entry)
    return {'version': 0, 'features': out, 'monitoring_config': {
        'evaluate_constraints': 'Enabled', 'emit_metrics': 'Enabled',
        'distribution_constraints': {'perform_comparison': 'Enabled', 'comparison_threshold': DISTANCE_THRESHOLD},
        'drift_check': drift_settings()}}


# ------------------------------------------------------------------ captures

def decode_payload(part, where):
    """(content type, text) of a capture's endpointInput or endpointOutput."""
    encoding = str(part.get('encoding', 'CSV')).upper()
    content_type = str(part.get('observedContentType') or '').split(';')[0].strip().lower()
    data = part.get('data', '')
    if encoding == 'BASE64':
        try:
            data = base64.b64decode(data, validate=True).decode('utf-8')
        except (binascii.Error, ValueError, UnicodeDecodeError) as e:
            raise ValueError(f'{where}: BASE64 data does not decode to UTF-8 text ({e})') from None
    elif encoding not in ('CSV', 'JSON'):
        raise ValueError(f'{where}: unknown encoding {encoding!r} (CSV, JSON or BASE64)')
    if not isinstance(data, str):
        data = json.dumps(data)
    kind = 'json' if 'json' in content_type or (encoding == 'JSON' and 'csv' not in content_type) else 'csv'
    if encoding == 'BASE64' and not content_type:
        kind = 'json' if data.lstrip()[:1] in ('{', '[') else 'csv'
    return kind, data


def input_rows(part, names, where):
    kind, text = decode_payload(part, where)
    if kind == 'csv':
        return csv_rows(text)
    payload = json.loads(text)
    if isinstance(payload, dict):
        for key in ('instances', 'inputs', 'data'):
            if key in payload:
                payload = payload[key]
                break
        else:
            payload = [payload]
    if not isinstance(payload, list):
        raise ValueError(f'{where}: expected {{"instances": [[...], ...]}}, got {type(payload).__name__}')
    if payload and not isinstance(payload[0], (list, dict)):
        payload = [payload]
    rows = []
    for item in payload:
        if isinstance(item, dict):
            item = item.get('features', item) if isinstance(item.get('features'), list) else [item.get(n) for n in names]
        if not isinstance(item, list):
            raise ValueError(f'{where}: an instance is {type(item).__name__}, expected an array of values or an object')
        rows.append(item)
    return rows


def output_predictions(part, where):
    kind, text = decode_payload(part, where)
    if kind == 'csv':
        rows = csv_rows(text)
        return [r[0] if len(r) == 1 else r for r in rows]
    payload = json.loads(text)
    if isinstance(payload, dict):
        for key in ('predictions', 'outputs', 'scores', 'predicted_label'):
            if key in payload:
                payload = payload[key]
                break
    return payload if isinstance(payload, list) else [payload]


def json_lines(file):
    """(line number, text) of each line of a JSON Lines file that is not blank."""
    with open(file, encoding='utf-8') as f:
        lines = f.read().splitlines()
    return [(number, line) for number, line in enumerate(lines, 1) if line.strip()]


def hour_of(path):
    m = HOUR_PATH.search(path.replace(os.sep, '/'))
    if not m:
        return None
    try:
        return dt.datetime(*map(int, m.groups()), tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def read_captures(captures, names, start, end):
    """Rows of the window, with each record's join key and predictions."""
    files = files_under(captures, ('.jsonl',), '--captures')
    out = {'rows': [], 'keys': [], 'predictions': [], 'requests': 0, 'files': 0, 'undecodable': 0, 'errors': [],
           'outside_window': 0, 'outputs': 0, 'prediction_mismatch': 0}
    hour = dt.timedelta(hours=1)
    for file in files:
        h = hour_of(os.path.relpath(file, captures) if os.path.isdir(captures) else file)
        if h is not None and ((end and h >= end) or (start and h + hour <= start)):
            continue
        out['files'] += 1
        shown = os.path.relpath(file, captures) if os.path.isdir(captures) else file
        for number, line in json_lines(file):
            where = f'{shown} line {number}'
            try:
                record = json.loads(line)
                meta = record.get('eventMetadata') or {}
                when = meta.get('inferenceTime')
                t = parse_time(when, 'inferenceTime') if when else h
                if t is not None and ((start and t < start) or (end and t >= end)):
                    out['outside_window'] += 1
                    continue
                data = record.get('captureData') or {}
                if 'endpointInput' not in data:
                    raise ValueError(f'{where}: no captureData.endpointInput (capture the input: CaptureOptions Input)')
                rows = input_rows(data['endpointInput'], names, where)
                predictions = None
                if 'endpointOutput' in data:
                    predictions = output_predictions(data['endpointOutput'], where)
                    out['outputs'] += 1
                    if len(predictions) != len(rows):
                        out['prediction_mismatch'] += 1
                        predictions = None
            except (ValueError, CheckError, AttributeError, TypeError) as e:
                out['undecodable'] += 1
                if len(out['errors']) < 10:
                    out['errors'].append(str(e))
                continue
            out['requests'] += 1
            key = meta.get('inferenceId') or meta.get('eventId')
            for i, row in enumerate(rows):
                out['rows'].append(row)
                out['keys'].append((key, i, len(rows)))
                out['predictions'].append(predictions[i] if predictions is not None else None)
    return out


def read_ground_truth(path):
    """eventId -> list of labels (one per row of the request), from Model Monitor's ground-truth records."""
    labels, problems = {}, {'records': 0, 'undecodable': 0, 'duplicates': 0, 'errors': []}
    for file in files_under(path, ('.jsonl', '.json'), '--ground-truth'):
        for number, line in json_lines(file):
            where = f'{file} line {number}'
            try:
                record = json.loads(line)
                key = (record.get('eventMetadata') or {}).get('eventId')
                part = record.get('groundTruthData')
                if not key or not isinstance(part, dict):
                    raise ValueError(f'{where}: expected {{"groundTruthData": {{"data": ..., "encoding": ...}}, "eventMetadata": {{"eventId": ...}}}}')
                kind, text = decode_payload(part, where)
                if kind == 'json':
                    value = json.loads(text)
                    values = value if isinstance(value, list) else [value]
                else:
                    values = [r[0] if len(r) == 1 else r for r in csv_rows(text)]
            except (ValueError, AttributeError, TypeError) as e:
                problems['undecodable'] += 1
                if len(problems['errors']) < 10:
                    problems['errors'].append(str(e))
                continue
            problems['records'] += 1
            if key in labels:
                problems['duplicates'] += 1
            labels[key] = values
    return labels, problems


# ------------------------------------------------------------------ drift

def unique_sorted(*arrays):
    return sorted(set().union(*[set(a) for a in arrays]), key=lambda v: (str(type(v)), v))


def counts_for(keys, values):
    c = {k: 0 for k in keys}
    for v in values:
        c[v] += 1
    return np.array([c[k] for k in keys], dtype=float)


def ks_test(ref, cur):
    from scipy import stats  # noqa: PLC0415 (scipy.stats takes a second to import: only `check` needs it)
    p = float(stats.ks_2samp(ref, cur)[1])
    return p, p <= P_VALUE_THRESHOLD       # ks_stattest: p_value <= threshold


def chi_square_test(ref, cur):
    keys = unique_sorted(ref, cur)
    expected = counts_for(keys, ref) * (len(cur) / len(ref))
    from scipy import stats  # noqa: PLC0415
    p = float(stats.chisquare(counts_for(keys, cur), expected)[1])
    return p, p < P_VALUE_THRESHOLD        # chisquare_stattest: p_value < threshold


def z_test(ref, cur):
    keys = unique_sorted(ref, cur)
    if len(set(ref)) == 1 and len(set(cur)) == 1 and ref[0] == cur[0]:
        return 1.0, False
    first = keys[0]
    r = np.array([0 if v == first else 1 for v in ref], dtype=float)
    c = np.array([0 if v == first else 1 for v in cur], dtype=float)
    n1, n2 = len(r), len(c)
    p1, p2 = r.sum() / n1, c.sum() / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    with np.errstate(divide='ignore', invalid='ignore'):
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    from scipy import stats  # noqa: PLC0415
    p = float(2 * (1 - stats.norm.cdf(abs(z))))
    return p, p < P_VALUE_THRESHOLD        # z_stattest: p_value < threshold


def binned_shares(ref, cur, numerical):
    """evidently utils.get_binned_data without zero filling: Sturges bins over reference and current
    for numerical columns with more than 20 unique reference values, value counts otherwise."""
    if numerical and len(np.unique(ref)) > 20:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur)
    keys = unique_sorted(ref, cur)
    return counts_for(keys, ref) / len(ref), counts_for(keys, cur) / len(cur)


def jensen_shannon_test(ref, cur, numerical):
    from scipy.spatial import distance  # noqa: PLC0415
    r, c = binned_shares(ref, cur, numerical)
    value = float(distance.jensenshannon(r, c))
    return value, value >= DISTANCE_THRESHOLD


def wasserstein_test(ref, cur):
    from scipy import stats  # noqa: PLC0415
    value = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), WASSERSTEIN_MIN_STD))
    return value, value >= DISTANCE_THRESHOLD


def drift_of(feature, cur_values, reference_rows):
    """{drift, method, score, threshold} of one feature, the test chosen as Evidently chooses it."""
    numerical = feature['type'] == 'numerical'
    if numerical:
        ref = np.array(feature['sample'], dtype=float)
        cur = np.array(cur_values, dtype=float)
    else:
        ref = [k for k, n in feature['categories'].items() for _ in range(n)]
        cur = list(cur_values)
    if len(ref) == 0 or len(cur) == 0:
        side = 'reference' if len(ref) == 0 else 'current window'
        return {'drift': None, 'method': None, 'score': None, 'threshold': None, 'reason': f'no values in the {side}'}
    n_values = len(set(np.concatenate([ref, cur]).tolist()) if numerical else set(ref) | set(cur))
    small = reference_rows <= SMALL_REFERENCE_ROWS
    if small:
        if numerical and n_values > 5:
            method, (score, drift) = 'ks', ks_test(ref, cur)
        elif n_values > 2:
            method, (score, drift) = 'chisquare', chi_square_test(list(ref), list(cur))
        else:
            method, (score, drift) = 'z', z_test(list(ref), list(cur))
        threshold = P_VALUE_THRESHOLD
    else:
        if numerical and n_values > 5:
            method, (score, drift) = 'wasserstein', wasserstein_test(ref, cur)
        else:
            method, (score, drift) = 'jensenshannon', jensen_shannon_test(ref if numerical else np.array(ref, dtype=object),
                                                                          cur if numerical else np.array(cur, dtype=object), numerical)
        threshold = DISTANCE_THRESHOLD
    return {'drift': bool(drift), 'method': method, 'score': score if math.isfinite(score) else None, 'threshold': threshold}


# ------------------------------------------------------------------ quality

def feature_values(feature, column):
    """(usable values, missing, type errors, unseen categories) of one captured column."""
    missing = type_errors = 0
    values, unseen = [], {}
    known = feature.get('categories', {})
    for v in column:
        if is_missing(v):
            missing += 1
        elif feature['type'] == 'numerical':
            x = as_number(v)
            if x is None:
                type_errors += 1
            else:
                values.append(x)
        elif isinstance(v, (list, dict)):
            type_errors += 1
        else:
            c = category(v)
            values.append(c)
            if c not in known:
                unseen[c] = unseen.get(c, 0) + 1
    return values, missing, type_errors, unseen


LABEL_TRUE = {'true', 'yes'}
LABEL_FALSE = {'false', 'no'}


def label_of(value):
    if isinstance(value, str) and value.strip().lower() in LABEL_TRUE | LABEL_FALSE:
        return 1 if value.strip().lower() in LABEL_TRUE else 0
    if isinstance(value, bool):
        return int(value)
    number = as_number(value)
    if number is not None and number.is_integer():
        return int(number)
    return category(value)


def prediction_parts(value, problem_type, threshold):
    """(label or value, score or score vector or None) of one prediction."""
    if isinstance(value, dict):
        label = next((value[k] for k in ('predicted_label', 'label', 'prediction', 'predicted_value', 'score') if k in value), None)
        score = next((value[k] for k in ('probabilities', 'probability', 'scores', 'score') if k in value), None)
        value = label if label is not None else score
        if problem_type == 'regression':
            return as_number(value), None
        if score is not None and isinstance(score, list) and problem_type == 'binary' and len(score) == 2:
            score = score[1]
        return (label_of(label) if label is not None else None), score
    if problem_type == 'regression':
        return as_number(value), None
    if isinstance(value, list):
        probs = [as_number(p) for p in value]
        if None in probs:
            return None, None
        if problem_type == 'binary':
            score = probs[1] if len(probs) == 2 else probs[0]
            return int(score >= threshold), score
        return int(np.argmax(probs)), probs
    number = as_number(value)
    if problem_type == 'binary' and number is not None and 0 <= number <= 1:
        return int(number >= threshold), number
    return label_of(value), None


def infer_problem_type(truths, predictions):
    if any(isinstance(p, list) and len(p) > 2 for p in predictions):
        return 'multiclass'
    numbers = [as_number(t) for t in truths]
    if all(n is not None for n in numbers):
        if all(n.is_integer() for n in numbers):
            labels = set(numbers)
            if labels <= {0.0, 1.0}:
                return 'binary'
            if len(labels) <= 20 and all(isinstance(p, list) or (as_number(p) or 0.5).is_integer() for p in predictions):
                return 'multiclass'
        return 'regression'
    labels = {label_of(t) for t in truths}
    return 'binary' if labels <= {0, 1} else 'multiclass'


def model_quality(captured, truth, problem_type, min_records, threshold):
    from sklearn import metrics  # noqa: PLC0415 (only runs with ground truth)
    pairs, unlabelled, mismatched = [], 0, 0
    for (key, index, width), prediction in zip(captured['keys'], captured['predictions']):
        labels = truth.get(key)
        if labels is None:
            unlabelled += 1
            continue
        if prediction is None:
            continue
        if len(labels) != width:
            mismatched += 1
            continue
        pairs.append((labels[index], prediction))
    quality = {'labelled': len(pairs), 'unlabelled': unlabelled, 'label_count_mismatch': mismatched}
    if captured['outputs'] == 0:
        return {**quality, 'status': 'skipped', 'reason': 'no captured outputs: capture the output too (CaptureOptions Output)'}
    if len(pairs) < min_records:
        return {**quality, 'status': 'skipped',
                'reason': f'{len(pairs)} labelled records in the window, fewer than --min-records {min_records}'}
    truths = [t for t, _ in pairs]
    predictions = [p for _, p in pairs]
    source = 'given'
    if not problem_type:
        problem_type, source = infer_problem_type(truths, predictions), 'inferred'
    quality.update({'problem_type': problem_type, 'problem_type_source': source})
    if problem_type == 'regression':
        y = np.array([as_number(t) for t in truths], dtype=object)
        p = np.array([prediction_parts(v, problem_type, threshold)[0] for v in predictions], dtype=object)
        bad = [i for i in range(len(y)) if y[i] is None or p[i] is None]
        if bad:
            raise CheckError(f'--problem-type regression needs numbers, got label {truths[bad[0]]!r} and prediction {predictions[bad[0]]!r}: '
                             'give --problem-type binary or multiclass for classes')
        y, p = y.astype(float), p.astype(float)
        mse = float(metrics.mean_squared_error(y, p))
        # sqrt(MSE): mean_squared_error(squared=False) is gone from scikit-learn 1.6
        quality.update({'status': 'ok', 'mae': float(metrics.mean_absolute_error(y, p)), 'mse': mse, 'rmse': math.sqrt(mse),
                        'r2': float(metrics.r2_score(y, p))})
        return quality
    y = [label_of(t) for t in truths]
    parts = [prediction_parts(v, problem_type, threshold) for v in predictions]
    bad = [i for i, (label, _) in enumerate(parts) if label is None]
    if bad:
        raise CheckError(f'cannot read a class from the prediction {predictions[bad[0]]!r}: '
                         'answer {"predictions": [label or probability, ...]} or give the right --problem-type')
    p = [label for label, _ in parts]
    if problem_type == 'binary':
        labels = set(y) | set(p)
        if not labels <= {0, 1}:
            raise CheckError(f'--problem-type binary needs labels 0 and 1 (or true/false), got {sorted(map(str, labels))}: '
                             'give --problem-type multiclass for other classes')
        quality.update({'status': 'ok', 'accuracy': float(metrics.accuracy_score(y, p)),
                        'precision': float(metrics.precision_score(y, p, zero_division=0)),
                        'recall': float(metrics.recall_score(y, p, zero_division=0)),
                        'f1': float(metrics.f1_score(y, p, zero_division=0))})
        scores = [s for _, s in parts]
        if all(s is not None for s in scores) and len(set(y)) == 2:
            quality['auc'] = float(metrics.roc_auc_score(y, [float(s) for s in scores]))
        return quality
    # multiclass: weighted averages, as Model Monitor's weighted_* metrics
    ys, ps = [str(v) for v in y], [str(v) for v in p]
    quality.update({'status': 'ok', 'accuracy': float(metrics.accuracy_score(ys, ps)),
                    'precision': float(metrics.precision_score(ys, ps, average='weighted', zero_division=0)),
                    'recall': float(metrics.recall_score(ys, ps, average='weighted', zero_division=0)),
                    'f1': float(metrics.f1_score(ys, ps, average='weighted', zero_division=0))})
    vectors = [s for _, s in parts]
    if all(isinstance(s, list) for s in vectors) and len({len(s) for s in vectors}) == 1 and all(isinstance(v, int) for v in y):
        k = len(vectors[0])
        if len(set(y)) > 1 and set(y) <= set(range(k)):
            probs = np.array(vectors, dtype=float)
            probs = probs / probs.sum(axis=1, keepdims=True)
            if k == 2:
                quality['auc'] = float(metrics.roc_auc_score(y, probs[:, 1]))
            elif len(set(y)) == k:
                quality['auc'] = float(metrics.roc_auc_score(y, probs, multi_class='ovr', average='weighted', labels=list(range(k))))
    return quality


# ------------------------------------------------------------------ check

def load_baseline(path):
    try:
        with open(path, encoding='utf-8') as f:
            baseline = json.load(f)
    except FileNotFoundError:
        raise CheckError(f'--baseline {path} does not exist: give the baseline.json that `model_monitor.py baseline` wrote') from None
    except json.JSONDecodeError as e:
        raise CheckError(f'--baseline {path} is not JSON ({e}): give the baseline.json that `model_monitor.py baseline` wrote') from None
    if not isinstance(baseline, dict) or baseline.get('kind') != 'cdk-sagemaker-github/model-monitor-baseline':
        raise CheckError(f'--baseline {path} is not a baseline of this checker (no "kind": "cdk-sagemaker-github/model-monitor-baseline"): '
                         'give the baseline.json that `model_monitor.py baseline` wrote, not statistics.json or constraints.json')
    if baseline.get('version') != VERSION:
        raise CheckError(f'--baseline {path} has version {baseline.get("version")!r}, this checker reads version {VERSION}: '
                         'make the baseline again with this checker')
    return baseline


def check(args):
    start = parse_time(args.start, '--start') if args.start else None
    end = parse_time(args.end, '--end') if args.end else None
    if start and end and start >= end:
        raise CheckError(f'--start {args.start} is not before --end {args.end}: the window must be at least a moment long')
    if args.min_records < 1:
        raise CheckError(f'--min-records must be at least 1, got {args.min_records}')
    if args.cloudwatch_namespace and not args.endpoint:
        raise CheckError('--cloudwatch-namespace needs --endpoint: the metrics carry the dimension EndpointName')
    baseline = load_baseline(args.baseline)
    features = baseline['features']
    names = [f['name'] for f in features]
    captured = read_captures(args.captures, names, start, end)
    width = len(names)
    good = [i for i, r in enumerate(captured['rows']) if len(r) == width]
    report = {
        'version': VERSION,
        'status': 'ok',
        'endpoint': args.endpoint,
        'window': {'start': iso(start), 'end': iso(end)},
        'created': iso(dt.datetime.now(dt.timezone.utc)),
        'baseline': {'path': args.baseline, 'reference_rows': baseline['reference_rows'], 'created': baseline.get('created')},
        'records': len(good),
        'requests': captured['requests'],
        'min_records': args.min_records,
        'dataset_drift': None,
        'drift_share': None,
        'drifted_features': [],
        'features': {},
        'data_quality': {'undecodable_records': captured['undecodable'], 'decode_errors': captured['errors'],
                         'rows_wrong_width': len(captured['rows']) - len(good), 'outside_window': captured['outside_window']},
        'drift_method': drift_settings(),
    }
    if captured['undecodable'] and not captured['requests']:
        raise CheckError(f'--captures: none of the {captured["undecodable"]} capture records in the window could be read; '
                         f'the first: {captured["errors"][0]}')
    if captured['rows'] and not good:
        widths = sorted({len(r) for r in captured['rows']})
        hint = ''
        if baseline.get('target_column') is None and widths == [width - 1]:
            hint = ' (the baseline may hold the target: make it with `baseline --target-column <name>`)'
        raise CheckError(f'--captures: the captured requests have {", ".join(map(str, widths))} values a row, the baseline has {width} features '
                         f'({", ".join(names)}){hint}: make the baseline from data with the columns the endpoint receives')
    if len(good) < args.min_records:
        report.update({'status': 'skipped',
                       'reason': f'{len(good)} records in the window, fewer than --min-records {args.min_records}: too few to tell drift from chance'})
        return report, baseline, None
    rows = [captured['rows'][i] for i in good]
    current = {}
    quality = report['data_quality']
    totals = {'missing': 0, 'type_errors': 0, 'unseen_categories': 0}
    for j, feature in enumerate(features):
        values, missing, type_errors, unseen = feature_values(feature, [r[j] for r in rows])
        current[feature['name']] = values
        # evidently drops the missing values before it picks the test by the reference's size
        result = drift_of(feature, values, feature['count'] - feature['missing'])
        ref_missing = feature['missing'] / feature['count'] if feature['count'] else 0.0
        result.update({'type': feature['type'], 'missing': missing, 'missing_share': missing / len(rows),
                       'reference_missing_share': ref_missing, 'type_errors': type_errors})
        if feature['type'] == 'categorical':
            result['unseen_categories'] = dict(sorted(unseen.items(), key=lambda kv: -kv[1])[:20])
            result['unseen_share'] = sum(unseen.values()) / len(rows)
            totals['unseen_categories'] += sum(unseen.values())
        totals['missing'] += missing
        totals['type_errors'] += type_errors
        report['features'][feature['name']] = result
    quality.update(totals)
    quality['missing_share'] = totals['missing'] / (len(rows) * width)
    tested = [n for n, r in report['features'].items() if r['drift'] is not None]
    drifted = [n for n in tested if report['features'][n]['drift']]
    report['drifted_features'] = drifted
    report['tested_features'] = len(tested)
    if tested:
        report['drift_share'] = len(drifted) / len(tested)
        report['dataset_drift'] = report['drift_share'] >= DATASET_DRIFT_SHARE
    if args.ground_truth:
        truth, problems = read_ground_truth(args.ground_truth)
        labelled = {'keys': [captured['keys'][i] for i in good], 'predictions': [captured['predictions'][i] for i in good],
                    'outputs': captured['outputs']}
        report['model_quality'] = {**model_quality(labelled, truth, args.problem_type, args.min_records, args.probability_threshold),
                                   'ground_truth_records': problems['records'], 'ground_truth_undecodable': problems['undecodable'],
                                   'ground_truth_duplicates': problems['duplicates']}
    return report, baseline, current


# ------------------------------------------------------------------ report.html

def histogram_svg(title, shares, labels, colour, top, ends, width=360, height=180):
    """Bars of `shares` on a y axis up to `top` (the same for both panels of a pair), `ends` under the x axis."""
    top = max(top, 1e-9)
    n = len(shares)
    bar = (width - 40) / max(n, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="4" y="14" font-size="12">{html.escape(title)}</text>',
             f'<line x1="30" y1="{height + 20}" x2="{width - 10}" y2="{height + 20}" stroke="#888"/>']
    for i, s in enumerate(shares):
        h = (height - 10) * s / top
        x = 30 + i * bar
        parts.append(f'<rect x="{x:.1f}" y="{height + 20 - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" fill="{colour}">'
                     f'<title>{html.escape(str(labels[i]))}: {s:.3f}</title></rect>')
    if ends is None:  # categories: each bar's own name
        for i, label in enumerate(labels):
            short = str(label) if len(str(label)) <= 10 else str(label)[:9] + '…'
            parts.append(f'<text x="{30 + (i + 0.5) * bar:.1f}" y="{height + 34}" font-size="9" text-anchor="middle">{html.escape(short)}</text>')
    else:
        parts.append(f'<text x="30" y="{height + 34}" font-size="10">{html.escape(str(ends[0]))}</text>')
        parts.append(f'<text x="{width - 10}" y="{height + 34}" font-size="10" text-anchor="end">{html.escape(str(ends[1]))}</text>')
    parts.append(f'<text x="2" y="28" font-size="10">{top:.2f}</text></svg>')
    return ''.join(parts)


def distributions(feature, current):
    if feature['type'] == 'numerical':
        ref = np.array(feature['sample'], dtype=float)
        cur = np.array(current, dtype=float)
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins=min(30, max(5, int(np.log2(len(ref) + len(cur))) + 1)))
        labels = [f'{edges[i]:.4g} to {edges[i + 1]:.4g}' for i in range(len(edges) - 1)]
        ends = (f'{edges[0]:.4g}', f'{edges[-1]:.4g}')
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur), labels, ends
    cur_counts = {}
    for v in current:
        cur_counts[v] = cur_counts.get(v, 0) + 1
    ref_total = sum(feature['categories'].values()) or 1
    cur_total = len(current) or 1
    keys = sorted(set(feature['categories']) | set(cur_counts),
                  key=lambda k: -(feature['categories'].get(k, 0) / ref_total + cur_counts.get(k, 0) / cur_total))[:20]
    return [feature['categories'].get(k, 0) / ref_total for k in keys], [cur_counts.get(k, 0) / cur_total for k in keys], keys, None


def write_html(path, report, baseline, current):
    e = html.escape
    status = report['status']
    headline = (f'skipped: {e(report.get("reason", ""))}' if status == 'skipped'
                else f'dataset drift: <b>{"yes" if report["dataset_drift"] else "no"}</b> '
                     f'({len(report["drifted_features"])} of {report.get("tested_features", 0)} features drifted, share {report["drift_share"] or 0:.2f}; '
                     f'drift when at least {DATASET_DRIFT_SHARE:.0%})')
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Model monitor report</title>',
           '<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;'
           'padding:4px 8px;text-align:left}tr.drift td{background:#fde2e2}.pair{display:flex;gap:2em;flex-wrap:wrap}</style></head><body>',
           f'<h1>Model monitor report{": " + e(report["endpoint"]) if report.get("endpoint") else ""}</h1>',
           f'<p>Window {e(str(report["window"]["start"] or "(all)"))} to {e(str(report["window"]["end"] or "(all)"))}; '
           f'{report["records"]} records in {report["requests"]} requests; reference of {report["baseline"]["reference_rows"]} rows.</p>',
           f'<p>{headline}</p>']
    if report['features']:
        out.append('<h2>Features</h2><table><tr><th>feature</th><th>type</th><th>test</th><th>score</th><th>threshold</th>'
                   '<th>drift</th><th>missing</th><th>type errors</th><th>unseen categories</th></tr>')
        for name, r in report['features'].items():
            score = '' if r['score'] is None else f'{r["score"]:.4g}'
            drift = {True: 'yes', False: 'no', None: e(r.get('reason', 'not tested'))}[r['drift']]
            out.append(f'<tr class="{"drift" if r["drift"] else ""}"><td>{e(name)}</td><td>{e(r["type"])}</td><td>{e(str(r["method"] or ""))}</td>'
                       f'<td>{score}</td><td>{r["threshold"] if r["threshold"] is not None else ""}</td><td>{drift}</td>'
                       f'<td>{r["missing"]} ({r["missing_share"]:.1%})</td><td>{r["type_errors"]}</td>'
                       f'<td>{e(", ".join(r.get("unseen_categories", {})))}</td></tr>')
        out.append('</table>')
    by_name = {f['name']: f for f in baseline['features']}
    if report['drifted_features']:
        out.append('<h2>Drifted features: reference and current distributions</h2>')
        for name in report['drifted_features']:
            ref, cur, labels, ends = distributions(by_name[name], current[name])
            r = report['features'][name]
            top = max(max(ref), max(cur))
            out.append(f'<h3>{e(name)} ({e(r["method"])} {r["score"]:.4g}, threshold {r["threshold"]})</h3><div class="pair">'
                       f'{histogram_svg("reference", list(ref), labels, "#4a7ab8", top, ends)}'
                       f'{histogram_svg("current", list(cur), labels, "#d1603d", top, ends)}</div>')
    mq = report.get('model_quality')
    if mq:
        out.append('<h2>Model quality</h2><table>')
        for k, v in mq.items():
            out.append(f'<tr><th>{e(k)}</th><td>{e(f"{v:.4g}" if isinstance(v, float) else str(v))}</td></tr>')
        out.append('</table>')
    out.append(f'<p>Tests and thresholds: Evidently {e(report["drift_method"]["source"])} (see report.json).</p></body></html>\n')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(out))


# ------------------------------------------------------------------ CloudWatch

def metric_data(report, endpoint):
    now = dt.datetime.now(dt.timezone.utc)
    base = [{'Name': 'EndpointName', 'Value': endpoint[:CLOUDWATCH_DIMENSION_VALUE_MAX]}]

    def datum(name, value, unit='None', extra=None):
        return {'MetricName': name, 'Dimensions': base + (extra or []), 'Timestamp': now, 'Value': float(value), 'Unit': unit}

    data = [datum('Records', report['records'], 'Count'), datum('Skipped', 1 if report['status'] == 'skipped' else 0),
            datum('ReportPublished', 1)]
    if report['status'] == 'skipped':
        return data
    if report['dataset_drift'] is not None:
        data += [datum('DatasetDrift', 1 if report['dataset_drift'] else 0), datum('DriftShare', report['drift_share'])]
    q = report['data_quality']
    data += [datum('MissingValueShare', q['missing_share']), datum('TypeErrors', q['type_errors'], 'Count'),
             datum('UnseenCategories', q['unseen_categories'], 'Count')]
    for name, r in report['features'].items():
        if r['drift'] is None:
            continue
        dims = [{'Name': 'Feature', 'Value': name[:CLOUDWATCH_DIMENSION_VALUE_MAX]}]
        data.append(datum('FeatureDrift', 1 if r['drift'] else 0, extra=dims))
        if r['score'] is not None:
            data.append(datum('FeatureDriftScore', r['score'], extra=dims))
    mq = report.get('model_quality') or {}
    if mq.get('status') == 'ok':
        for key, name in (('accuracy', 'Accuracy'), ('precision', 'Precision'), ('recall', 'Recall'), ('f1', 'F1'), ('auc', 'Auc'),
                          ('mae', 'Mae'), ('rmse', 'Rmse'), ('r2', 'R2')):
            if mq.get(key) is not None and math.isfinite(mq[key]):
                data.append(datum(name, mq[key]))
    return data


def publish(report, namespace, endpoint):
    try:
        import boto3  # noqa: PLC0415 (only to publish; the checks need no AWS SDK)
    except ImportError:
        raise CheckError('--cloudwatch-namespace needs boto3, which this python lacks: run on the SageMaker scikit-learn image, '
                         'or pip install boto3') from None
    client = boto3.client('cloudwatch')
    data = metric_data(report, endpoint)
    for i in range(0, len(data), CLOUDWATCH_BATCH):
        client.put_metric_data(Namespace=namespace, MetricData=data[i:i + CLOUDWATCH_BATCH])
    return len(data)


# ------------------------------------------------------------------ main

def write_json(path, payload, indent=2):
    tmp = f'{path}.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(payload, f, indent=indent, default=float)
        f.write('\n')
    os.replace(tmp, path)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f'model_monitor: error: {message}\n')


def parser():
    p = Parser(prog='model_monitor.py', description=__doc__.split('\n\n')[0])
    sub = p.add_subparsers(dest='command', required=True, parser_class=Parser)
    b = sub.add_parser('baseline', help='the reference from the training data')
    b.add_argument('--data', required=True, help='a CSV or JSON Lines file, or a folder of them')
    b.add_argument('--output', required=True, help='writes baseline.json, statistics.json and constraints.json here')
    b.add_argument('--header', choices=['auto', 'present', 'absent'], default='auto', help='whether CSV files start with a header')
    b.add_argument('--target-column', help='a column that is not a feature (the label): its name, 0-based index or "last"')
    b.add_argument('--categorical-columns', help='comma-separated columns to treat as categories although they hold numbers')
    b.add_argument('--numerical-columns', help='comma-separated columns of integers to treat as numbers although they have few values')
    b.add_argument('--max-sample', type=int, default=DEFAULT_MAX_SAMPLE, help='numerical values kept per feature (a seeded sample above)')
    c = sub.add_parser('check', help='drift, data quality and model quality of a window of captures')
    c.add_argument('--baseline', required=True)
    c.add_argument('--captures', required=True, help='a folder of data-capture files (<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl)')
    c.add_argument('--ground-truth', help='a folder of ground-truth records (yyyy/mm/dd/hh/*.jsonl)')
    c.add_argument('--problem-type', choices=['regression', 'binary', 'multiclass'])
    c.add_argument('--probability-threshold', type=float, default=DEFAULT_PROBABILITY_THRESHOLD)
    c.add_argument('--start', help='ISO 8601: records inferred at or after it')
    c.add_argument('--end', help='ISO 8601: records inferred before it')
    c.add_argument('--min-records', type=int, default=DEFAULT_MIN_RECORDS, help='fewer rows than this: the window is skipped')
    c.add_argument('--endpoint', help='the EndpointName dimension of the metrics')
    c.add_argument('--cloudwatch-namespace', help='publish the metrics to this CloudWatch namespace')
    c.add_argument('--output', required=True, help='writes report.json and report.html here')
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as e:
        print(f'model_monitor: error: cannot make --output {args.output} ({e.strerror}): give a writable folder', file=sys.stderr)
        return 1
    if args.command == 'baseline':
        try:
            if args.max_sample < 100:
                raise CheckError(f'--max-sample must be at least 100, got {args.max_sample}')
            return make_baseline(args)
        except CheckError as e:
            print(f'model_monitor: error: {e}', file=sys.stderr)
            return 1
    report_path = os.path.join(args.output, 'report.json')
    try:
        report, baseline, current = check(args)
    except CheckError as e:
        print(f'model_monitor: error: {e}', file=sys.stderr)
        write_json(report_path, {'version': VERSION, 'status': 'error', 'reason': str(e), 'records': None,
                                 'dataset_drift': None, 'drift_share': None, 'features': {}})
        return 1
    write_json(report_path, report)
    write_html(os.path.join(args.output, 'report.html'), report, baseline, current)
    summary = (f'skipped ({report["reason"]})' if report['status'] == 'skipped'
               else f'dataset drift {report["dataset_drift"]}, drifted {report["drifted_features"]}')
    print(f'model_monitor: {report["records"]} records: {summary} -> {report_path}')
    if args.cloudwatch_namespace:
        try:
            count = publish(report, args.cloudwatch_namespace, args.endpoint)
        except Exception as e:  # noqa: BLE001 (any SDK failure: say so, keep the report)
            print(f'model_monitor: error: publishing to CloudWatch namespace {args.cloudwatch_namespace} failed: {e}', file=sys.stderr)
            return 3
        print(f'model_monitor: published {count} metrics to {args.cloudwatch_namespace}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

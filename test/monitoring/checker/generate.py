#!/usr/bin/env python3
"""Writes a monitoring scenario in the real layouts, from a seed:

    generate.py <spec.json> <folder>

<folder>/reference/train.csv          training data (header x1,x2,x3,color,y; y is the target)
<folder>/captures/<endpoint>/AllTraffic/yyyy/mm/dd/hh/*.jsonl
                                      SageMaker data-capture records (captureData.endpointInput and
                                      endpointOutput with observedContentType, mode, data, encoding;
                                      eventMetadata.eventId, inferenceId, inferenceTime; eventVersion "0")
<folder>/ground-truth/yyyy/mm/dd/hh/*.jsonl
                                      Model Monitor ground-truth records (groundTruthData.data/encoding,
                                      eventMetadata.eventId = the capture's inferenceId, or its eventId
                                      when the request had none), filed by the hour they were collected
<folder>/current.csv            the captured rows as sent (for the Evidently cross-check)
<folder>/expected.json                the figures computed here, independently of the checker

Spec keys (all optional): seed, reference_rows, current_rows, shift (features to move),
format (csv | json | base64 | mixed), rows_per_request, start (ISO), hours, problem_type
(regression | binary | multiclass: writes predictions and ground truth), labelled_share,
endpoint, missing (feature -> share of current values left empty), bad_values (feature -> count
of "oops" values), new_category (share of colour values that are "purple"), colors (2 or 3).
"""
import base64
import datetime as dt
import json
import os
import sys
import uuid

import numpy as np

FEATURES = ['x1', 'x2', 'x3', 'color']
COLORS = ['red', 'green', 'blue']


def draw(rng, n, shifted, colors=3):
    x1 = rng.normal(1.0 if 'x1' in shifted else 0.0, 1.0, n)
    x2 = rng.normal(5.0, 2.0 * (1.8 if 'x2' in shifted else 1.0), n)
    x3 = rng.uniform(3.0 if 'x3' in shifted else 0.0, 10.0, n)
    if colors == 2:
        p = [0.4, 0.6] if 'color' in shifted else [0.6, 0.4]
    else:
        p = [0.2, 0.3, 0.5] if 'color' in shifted else [0.5, 0.3, 0.2]
    color = rng.choice(COLORS[:colors], size=n, p=p)
    return x1, x2, x3, color


def target(rng, x1, x2, x3, color):
    return 2 * x1 - 0.5 * x2 + 0.3 * x3 + np.where(color == 'red', 1.0, 0.0) + rng.normal(0, 0.5, len(x1))


def auc(labels, scores):
    """The Mann-Whitney form of ROC AUC, ties counted half."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    pos, neg = scores[labels == 1], scores[labels == 0]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def fmt(v):
    return repr(float(v))


def main(spec_path, out):
    with open(spec_path, encoding='utf-8') as f:
        spec = json.load(f)
    rng = np.random.default_rng(spec.get('seed', 1))
    n_ref, n_cur = spec.get('reference_rows', 500), spec.get('current_rows', 400)
    shifted = set(spec.get('shift', []))
    endpoint = spec.get('endpoint', 'churn-endpoint')
    problem = spec.get('problem_type')

    os.makedirs(os.path.join(out, 'reference'), exist_ok=True)
    r = draw(rng, n_ref, set(), spec.get('colors', 3))
    y = target(rng, *r)
    with open(os.path.join(out, 'reference', 'train.csv'), 'w', encoding='utf-8') as f:
        f.write('x1,x2,x3,color,y\n')
        for i in range(n_ref):
            f.write(f'{fmt(r[0][i])},{fmt(r[1][i])},{fmt(r[2][i])},{r[3][i]},{fmt(y[i])}\n')

    x1, x2, x3, color = draw(rng, n_cur, shifted, spec.get('colors', 3))
    values = [list(v) for v in zip(x1.tolist(), x2.tolist(), x3.tolist(), color.tolist())]
    for feature, share in (spec.get('missing') or {}).items():
        j = FEATURES.index(feature)
        for i in rng.choice(n_cur, size=int(share * n_cur), replace=False):
            values[i][j] = None
    for feature, count in (spec.get('bad_values') or {}).items():
        j = FEATURES.index(feature)
        for i in rng.choice(n_cur, size=count, replace=False):
            values[i][j] = 'oops'
    if spec.get('new_category'):
        for i in rng.choice(n_cur, size=int(spec['new_category'] * n_cur), replace=False):
            values[i][3] = 'purple'

    # The rows as sent, for the Evidently cross-check (which reads them without the capture layer).
    with open(os.path.join(out, 'current.csv'), 'w', encoding='utf-8') as f:
        f.write('x1,x2,x3,color\n')
        f.write(''.join(','.join('' if v is None else str(v) for v in row) + '\n' for row in values))

    # The model's answers and the truth, per row.
    truth = target(rng, x1, x2, x3, color)
    if problem == 'regression':
        predictions = (truth + rng.normal(0, 0.7, n_cur)).tolist()
        labels = truth.tolist()
    elif problem == 'binary':
        labels = (truth > 0).astype(int).tolist()
        predictions = (1 / (1 + np.exp(-(truth + rng.normal(0, 1.5, n_cur))))).tolist()
    elif problem == 'multiclass':
        labels = np.digitize(truth, [-1.0, 1.0]).tolist()
        logits = np.stack([-(truth + 1), -np.abs(truth), truth - 1], axis=1) + rng.normal(0, 0.8, (n_cur, 3))
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        predictions = probs.tolist()
    else:
        predictions, labels = None, None

    fmt_choice = spec.get('format', 'csv')
    per = spec.get('rows_per_request', 1)
    start = dt.datetime.fromisoformat(spec.get('start', '2026-03-01T10:00:00+00:00'))
    hours = spec.get('hours', 2)
    labelled_share = spec.get('labelled_share', 1.0)
    requests = [list(range(i, min(i + per, n_cur))) for i in range(0, n_cur, per)]
    files = {}
    gt_files = {}
    labelled_rows = []
    for k, rows in enumerate(requests):
        when = start + dt.timedelta(seconds=(hours * 3600 - 1) * k / max(len(requests) - 1, 1))
        form = fmt_choice if fmt_choice != 'mixed' else ['csv', 'json', 'base64'][k % 3]
        event_id = str(uuid.UUID(int=int(rng.integers(0, 2 ** 63)) << 64 | k))
        inference_id = f'req-{k}' if k % 4 != 3 else None  # every fourth request has no InferenceId: eventId then
        csv_text = '\n'.join(','.join('' if v is None else str(v) for v in values[i]) for i in rows)
        json_text = json.dumps({'instances': [values[i] for i in rows]})
        if form == 'csv':
            endpoint_input = {'observedContentType': 'text/csv', 'mode': 'INPUT', 'data': csv_text, 'encoding': 'CSV'}
        elif form == 'json':
            endpoint_input = {'observedContentType': 'application/json', 'mode': 'INPUT', 'data': json_text, 'encoding': 'JSON'}
        else:
            # a content type missing from CaptureContentTypeHeader: captured base64-encoded
            endpoint_input = {'observedContentType': 'application/x-custom-json', 'mode': 'INPUT',
                              'data': base64.b64encode(json_text.encode()).decode(), 'encoding': 'BASE64'}
        record = {'captureData': {'endpointInput': endpoint_input},
                  'eventMetadata': {'eventId': event_id, 'inferenceTime': when.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'},
                  'eventVersion': '0'}
        if inference_id:
            record['eventMetadata']['inferenceId'] = inference_id
        if predictions is not None:
            answer = [predictions[i] for i in rows]
            if form == 'csv' and problem != 'multiclass':
                record['captureData']['endpointOutput'] = {'observedContentType': 'text/csv', 'mode': 'OUTPUT',
                                                           'data': ''.join(f'{p!r}\n' for p in answer), 'encoding': 'CSV'}
            else:
                record['captureData']['endpointOutput'] = {'observedContentType': 'application/json', 'mode': 'OUTPUT',
                                                           'data': json.dumps({'predictions': answer}), 'encoding': 'JSON'}
            if rng.random() < labelled_share:
                labelled_rows.extend(rows)
                collected = when + dt.timedelta(hours=3)
                gt = {'groundTruthData': {'data': '\n'.join(str(labels[i]) for i in rows), 'encoding': 'CSV'},
                      'eventMetadata': {'eventId': inference_id or event_id}, 'eventVersion': '0'}
                gt_files.setdefault(collected.strftime('%Y/%m/%d/%H'), []).append(gt)
        files.setdefault(when.strftime('%Y/%m/%d/%H'), []).append(record)

    for hour, records in files.items():
        folder = os.path.join(out, 'captures', endpoint, 'AllTraffic', hour)
        os.makedirs(folder, exist_ok=True)
        # SageMaker names capture files <minute>-<second>-<millis>-<uuid>.jsonl; split in two per hour
        half = len(records) // 2
        for part, chunk in enumerate((records[:half], records[half:])):
            if chunk:
                with open(os.path.join(folder, f'{part * 30:02d}-00-000-{uuid.UUID(int=part + 1)}.jsonl'), 'w', encoding='utf-8') as f:
                    f.write(''.join(json.dumps(x) + '\n' for x in chunk))
    for hour, records in gt_files.items():
        folder = os.path.join(out, 'ground-truth', hour)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'labels.jsonl'), 'w', encoding='utf-8') as f:
            f.write(''.join(json.dumps(x) + '\n' for x in records))

    expected = {'records': n_cur, 'requests': len(requests), 'labelled': len(labelled_rows), 'shifted': sorted(shifted)}
    if problem:
        idx = np.array(sorted(labelled_rows), dtype=int)
        t = np.array(labels, dtype=float)[idx]
        if problem == 'regression':
            e = np.array(predictions)[idx] - t
            expected['quality'] = {'mae': float(np.mean(np.abs(e))), 'rmse': float(np.sqrt(np.mean(e ** 2))),
                                   'r2': float(1 - np.sum(e ** 2) / np.sum((t - t.mean()) ** 2))}
        elif problem == 'binary':
            s = np.array(predictions)[idx]
            p = (s >= 0.5).astype(int)
            tp, fp, fn = int(((p == 1) & (t == 1)).sum()), int(((p == 1) & (t == 0)).sum()), int(((p == 0) & (t == 1)).sum())
            precision, recall = tp / (tp + fp), tp / (tp + fn)
            expected['quality'] = {'accuracy': float((p == t).mean()), 'precision': precision, 'recall': recall,
                                   'f1': 2 * precision * recall / (precision + recall), 'auc': auc(t, s)}
        else:
            p = np.argmax(np.array(predictions)[idx], axis=1)
            expected['quality'] = {'accuracy': float((p == t).mean())}
    with open(os.path.join(out, 'expected.json'), 'w', encoding='utf-8') as f:
        json.dump(expected, f, indent=2)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

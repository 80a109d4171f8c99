"""What train, serve and evaluate share: the /opt/ml layout, CSV data and the model.

Standard library only, so the container needs no pip install and the scripts
run unchanged on a laptop with `ML_ROOT` pointing at a local directory.
"""
import csv
import io
import json
import math
import os
import tarfile

MODEL_FILE = 'model.json'
MODEL_ARCHIVE = 'model.tar.gz'
CHECKPOINT_FILE = 'checkpoint.json'


class ContractError(Exception):
    """A problem with the inputs, worded for the person who supplied them."""


class Paths:
    """The /opt/ml layout ("Use Your Own Training Algorithms"), rooted at `ML_ROOT` when set."""

    def __init__(self, root=None):
        self.root = root or os.environ.get('ML_ROOT') or '/opt/ml'
        config = os.path.join(self.root, 'input', 'config')
        self.hyperparameters = os.path.join(config, 'hyperparameters.json')
        self.input_data_config = os.path.join(config, 'inputdataconfig.json')
        self.resource_config = os.path.join(config, 'resourceconfig.json')
        self.data = os.path.join(self.root, 'input', 'data')
        self.model = os.path.join(self.root, 'model')
        self.output = os.path.join(self.root, 'output')
        # The training job's FailureReason comes from output/failure, a
        # processing job's ExitMessage from output/message.
        self.failure = os.path.join(self.output, 'failure')
        self.message = os.path.join(self.output, 'message')
        # Managed spot training syncs this directory with the job's CheckpointConfig.S3Uri.
        self.checkpoints = os.path.join(self.root, 'checkpoints')

    def channel(self, name):
        return os.path.join(self.data, name)


def read_json(path, default=None):
    """The JSON document at `path`, or `default` when the file does not exist."""
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        if default is None:
            raise ContractError(f'{path} does not exist') from None
        return default
    except json.JSONDecodeError as e:
        raise ContractError(f'{path} is not valid JSON: {e}') from None


def write_json(path, payload):
    """Writes atomically: checkpoint sync and readers never see half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f'{path}.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(payload, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def write_message(path, message):
    """Best effort: reporting a failure must not hide it."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(message + '\n')
    except OSError:
        pass


def parse_csv(text, source, allow_header=False):
    """Rows of floats; blank lines are skipped, and so is a non-numeric first row when `allow_header`."""
    rows = []
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or all(not f.strip() for f in fields):
            continue
        try:
            row = [float(f) for f in fields]
        except ValueError:
            if allow_header and not rows and number == 1:
                continue
            raise ContractError(f'{source} line {number}: not a row of numbers: {",".join(fields)[:80]!r}') from None
        if not all(math.isfinite(v) for v in row):
            raise ContractError(f'{source} line {number}: values must be finite numbers')
        if rows and len(row) != len(rows[0]):
            raise ContractError(f'{source} line {number}: {len(row)} columns, expected {len(rows[0])}')
        rows.append(row)
    return rows


def read_csv_dir(directory, what):
    """Every row of every .csv file under `directory` (recursively, in name order)."""
    if not os.path.isdir(directory):
        raise ContractError(f'{what}: directory {directory} does not exist')
    files = sorted(
        os.path.join(parent, name)
        for parent, _, names in os.walk(directory)
        for name in names
        if name.lower().endswith('.csv')
    )
    rows = []
    for path in files:
        with open(path, encoding='utf-8') as f:
            part = parse_csv(f.read(), path, allow_header=True)
        if rows and part and len(part[0]) != len(rows[0]):
            raise ContractError(f'{path}: {len(part[0])} columns, the other files have {len(rows[0])}')
        rows.extend(part)
    if not rows:
        raise ContractError(f'{what}: no CSV rows in {directory}')
    if len(rows[0]) < 2:
        raise ContractError(f'{what}: rows need at least one feature column and the target (last) column')
    return rows


def split_xy(rows):
    """Features and target: the target is the last column."""
    return [r[:-1] for r in rows], [r[-1] for r in rows]


class LinearModel:
    """y = weights . x + bias, in the units of the data."""

    def __init__(self, weights, bias, epoch=0):
        self.weights = [float(w) for w in weights]
        self.bias = float(bias)
        self.epoch = int(epoch)

    @classmethod
    def from_dict(cls, payload, source):
        try:
            return cls(payload['weights'], payload['bias'], payload.get('epoch', 0))
        except (KeyError, TypeError, ValueError) as e:
            raise ContractError(f'{source} is not a model saved by this container: {e!r}') from None

    def to_dict(self, **extra):
        return {'weights': self.weights, 'bias': self.bias, 'epoch': self.epoch, **extra}

    def predict(self, rows):
        n = len(self.weights)
        for i, row in enumerate(rows, start=1):
            if len(row) != n:
                raise ContractError(f'row {i} has {len(row)} values, the model expects {n} features')
        return [sum(w * x for w, x in zip(self.weights, row)) + self.bias for row in rows]

    def mse(self, rows):
        features, target = split_xy(rows)
        errors = [p - y for p, y in zip(self.predict(features), target)]
        return sum(e * e for e in errors) / len(errors), errors


def load_model(directory):
    """The model in `directory`: model.json, or model.json inside model.tar.gz.

    SageMaker unpacks model.tar.gz into /opt/ml/model for hosting ("Use Your
    Own Inference Code"), and that directory may be read-only, so the archive
    (what a pipeline hands to a processing step) is read in place.
    """
    path = os.path.join(directory, MODEL_FILE)
    if os.path.isfile(path):
        return LinearModel.from_dict(read_json(path), path)
    archive = os.path.join(directory, MODEL_ARCHIVE)
    if os.path.isfile(archive):
        try:
            with tarfile.open(archive, 'r:gz') as tar:
                for member in tar.getmembers():
                    if member.isfile() and os.path.normpath(member.name) == MODEL_FILE:
                        payload = json.load(tar.extractfile(member))
                        return LinearModel.from_dict(payload, f'{archive}:{MODEL_FILE}')
        except (tarfile.TarError, OSError, json.JSONDecodeError) as e:
            raise ContractError(f'{archive} is not a readable model archive: {e}') from None
        raise ContractError(f'{archive} has no {MODEL_FILE} at its top level')
    raise ContractError(f'no model in {directory}: expected {MODEL_FILE} or {MODEL_ARCHIVE}')

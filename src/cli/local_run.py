#!/usr/bin/env python3
"""Runs a synthesized SageMaker pipeline definition with the SageMaker Python SDK's local mode.

`cdk-sagemaker-github local-run` writes a run file (the definition with every
CloudFormation token filled, parameter values, the data to put in S3, the
models a Transform step names) and calls `python local_run.py RUN_FILE`.

Each JSON step becomes the SDK's own object (`CompiledStep`, `ConditionStep`)
and each `Get`, `Std:Join`, `Std:JsonGet` and condition the SDK's own class, so
the order of the steps, their jobs in local containers, the branches and Fail
are the SDK's code. Two things are this file's: S3 is moto's server on
127.0.0.1, and RegisterModel (which local mode cannot run) is a stand-in that
records what would be registered. It writes a result file the command reads.
"""
import io
import json
import os
import sys
import tarfile
import threading
import time
import traceback
import zipfile

SDK_LINE = 'sagemaker-mlops'  # the SageMaker Python SDK 3.x package that holds local pipelines
LOCAL_ACCOUNT = '000000000000'
APPROVAL_STATUSES = ('PendingManualApproval', 'Approved', 'Rejected')


class RunError(Exception):
    """A problem with the run file or the definition, worded for the user."""


# ---------------------------------------------------------------- output capture

class StepLog(io.TextIOBase):
    """Passes everything through to the real stdout and keeps a copy for the step that runs."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()
        self.current = None

    def write(self, text):
        with self.lock:
            if self.current is not None:
                self.current.append(text)
        self.stream.write(text)
        self.stream.flush()
        return len(text)

    def flush(self):
        self.stream.flush()


# ---------------------------------------------------------------- definition -> SDK objects

class Definition:
    """Turns the JSON of a pipeline definition into the SDK's objects."""

    def __init__(self, sdk, definition):
        self.sdk = sdk
        self.definition = definition
        self.parameters = {p['Name']: self._parameter(p) for p in definition.get('Parameters', [])}
        self.warnings = []

    def _parameter(self, p):
        kind = p.get('Type', 'String')
        classes = {
            'String': (self.sdk.ParameterString, str),
            'Integer': (self.sdk.ParameterInteger, int),
            'Float': (self.sdk.ParameterFloat, float),
            'Boolean': (self.sdk.ParameterBoolean, bool),
        }
        if kind not in classes:
            raise RunError(f"parameter {p['Name']}: type {kind} is not one of {sorted(classes)}")
        cls, python_type = classes[kind]
        if 'DefaultValue' not in p:
            return cls(name=p['Name'])
        return cls(name=p['Name'], default_value=python_type(p['DefaultValue']))

    def value(self, node):
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, inner), = node.items()
            if key == 'Get':
                return self.get(inner)
            if key == 'Std:Join':
                return self.sdk.Join(on=inner.get('On', ''), values=[self.value(v) for v in inner.get('Values', [])])
            if key == 'Std:JsonGet':
                return self.json_get(inner)
        return {k: self.value(v) for k, v in node.items()}

    def get(self, path):
        scope, _, rest = path.partition('.')
        if scope == 'Parameters':
            if rest not in self.parameters:
                raise RunError(f"{{'Get': '{path}'}} names parameter {rest}, which the definition does not declare")
            return self.parameters[rest]
        if scope == 'Execution':
            variable = getattr(self.sdk.ExecutionVariables, _snake(rest).upper(), None)
            if variable is None:
                raise RunError(f"{{'Get': '{path}'}}: execution variable {rest} is not known to local mode")
            return variable
        if scope == 'Steps':
            step, _, property_path = rest.partition('.')
            return self.sdk.Properties(step_name=step, path=property_path)
        raise RunError(f"{{'Get': '{path}'}}: only Parameters., Execution. and Steps. can be read")

    def json_get(self, inner):
        path = inner.get('Path')
        if 'PropertyFile' in inner:
            reference = inner['PropertyFile']
            get = reference.get('Get', '') if isinstance(reference, dict) else ''
            parts = get.split('.')
            if len(parts) != 4 or parts[0] != 'Steps' or parts[2] != 'PropertyFiles':
                raise RunError(f'Std:JsonGet PropertyFile must be {{"Get": "Steps.<step>.PropertyFiles.<name>"}}, got {reference!r}')
            return self.sdk.JsonGet(step_name=parts[1], property_file=parts[3], json_path=path)
        return self.sdk.JsonGet(s3_uri=self.value(inner['S3Uri']), json_path=path)

    def condition(self, node):
        kind = node.get('Type')
        binary = {
            'Equals': self.sdk.ConditionEquals,
            'GreaterThan': self.sdk.ConditionGreaterThan,
            'GreaterThanOrEqualTo': self.sdk.ConditionGreaterThanOrEqualTo,
            'LessThan': self.sdk.ConditionLessThan,
            'LessThanOrEqualTo': self.sdk.ConditionLessThanOrEqualTo,
        }
        if kind in binary:
            return binary[kind](left=self.value(node['LeftValue']), right=self.value(node['RightValue']))
        if kind == 'Not':
            return self.sdk.ConditionNot(expression=self.condition(node['Condition']))
        if kind == 'Or':
            return self.sdk.ConditionOr(conditions=[self.condition(c) for c in node['Conditions']])
        if kind == 'In':
            return self.sdk.ConditionIn(value=self.value(node['QueryValue']), in_values=[self.value(v) for v in node['Values']])
        raise RunError(f'condition type {kind} is not known to local mode')

    def step(self, node):
        kind = node.get('Type')
        if kind == 'Condition':
            arguments = node.get('Arguments', {})
            return self.sdk.ConditionStep(
                name=node['Name'],
                depends_on=node.get('DependsOn'),
                display_name=node.get('DisplayName'),
                description=node.get('Description'),
                conditions=[self.condition(c) for c in arguments.get('Conditions', [])],
                if_steps=[self.step(s) for s in arguments.get('IfSteps', [])],
                else_steps=[self.step(s) for s in arguments.get('ElseSteps', [])],
            )
        if kind in ('Training', 'Processing', 'Transform', 'Model', 'Fail', 'RegisterModel'):
            request = dict(node)
            request['Arguments'] = self.value(node.get('Arguments', {}))
            return self.sdk.CompiledStep(request)
        raise RunError(f"step {node.get('Name')}: type {kind} cannot run in local mode "
                       '(it runs Training, Processing, Transform, Model, Condition, Fail and, here, RegisterModel)')

    def steps(self):
        return [self.step(s) for s in self.definition.get('Steps', [])]

    def typed(self, name, raw):
        """A parameter value given on the command line, as the parameter's type."""
        if name not in self.parameters:
            raise RunError(f'parameter {name} is not in the pipeline; its parameters: {", ".join(sorted(self.parameters)) or "none"}')
        python_type = self.parameters[name].parameter_type.python_type
        if isinstance(raw, python_type) and not (python_type is int and isinstance(raw, bool)):
            return raw
        text = str(raw)
        try:
            if python_type is bool:
                if text.lower() not in ('true', 'false'):
                    raise ValueError(text)
                return text.lower() == 'true'
            return python_type(text)
        except ValueError:
            raise RunError(f'parameter {name} is a {python_type.__name__}, got {text!r}') from None


def _snake(name):
    return ''.join(f'_{c}' if c.isupper() and i else c for i, c in enumerate(name)).lower()


class Sdk:
    """The SDK names this file uses, imported once (they take seconds to load)."""

    def __init__(self):
        from sagemaker.core.workflow.conditions import (
            ConditionEquals, ConditionGreaterThan, ConditionGreaterThanOrEqualTo, ConditionIn,
            ConditionLessThan, ConditionLessThanOrEqualTo, ConditionNot, ConditionOr)
        from sagemaker.core.workflow.execution_variables import ExecutionVariables
        from sagemaker.core.workflow.functions import Join, JsonGet
        from sagemaker.core.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
        from sagemaker.core.workflow.properties import Properties
        from sagemaker.mlops.local import LocalPipelineSession
        from sagemaker.mlops.local import pipeline as local_pipeline
        from sagemaker.mlops.local import pipeline_entities
        from sagemaker.mlops.local.exceptions import StepExecutionException
        from sagemaker.mlops.workflow._steps_compiler import CompiledStep
        from sagemaker.mlops.workflow.condition_step import ConditionStep
        from sagemaker.mlops.workflow.pipeline import Pipeline
        from sagemaker.mlops.workflow.steps import StepTypeEnum

        for name, value in list(locals().items()):
            if name != 'self':
                setattr(self, name, value)


# ---------------------------------------------------------------- the run

def run(spec):
    os.environ.setdefault('AWS_ACCESS_KEY_ID', 'local')
    os.environ.setdefault('AWS_SECRET_ACCESS_KEY', 'local')
    os.environ['AWS_DEFAULT_REGION'] = os.environ['AWS_REGION'] = spec.get('region', 'us-east-1')
    os.environ['AWS_EC2_METADATA_DISABLED'] = 'true'
    # SDK 3.x checks role ARNs against IAM unless told not to; there is no IAM here.
    os.environ['SAGEMAKER_VALIDATE_ROLE'] = 'false'

    from moto.server import ThreadedMotoServer
    moto = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f'http://{host}:{port}'
    # Every AWS call this process makes goes to moto on 127.0.0.1, never to AWS.
    os.environ['AWS_ENDPOINT_URL'] = endpoint
    try:
        return _run(spec, endpoint)
    finally:
        moto.stop()


def _run(spec, endpoint):
    import boto3

    started = time.time()
    sdk = Sdk()
    definition = Definition(sdk, spec['definition'])
    parameters = {name: definition.typed(name, value) for name, value in spec.get('parameters', {}).items()}
    steps = definition.steps()

    boto = boto3.Session(region_name=os.environ['AWS_REGION'])
    s3 = boto.client('s3', endpoint_url=endpoint)
    for bucket in spec.get('buckets', []):
        s3.create_bucket(Bucket=bucket)
    for upload in spec.get('uploads', []):
        if upload.get('packaging') == 'zip':
            # A directory asset: cdk deploy uploads it as one zip of the files under it.
            s3.put_object(Bucket=upload['bucket'], Key=upload['key'], Body=_zip_directory(upload['file']))
        else:
            s3.upload_file(upload['file'], upload['bucket'], upload['key'])
    # What was put in S3 before the run, to tell what the run wrote (or wrote again).
    seeded = {(o['bucket'], o['key']): s3.head_object(Bucket=o['bucket'], Key=o['key'])['ETag'] for o in spec.get('uploads', [])}
    # S3 times have whole seconds: wait for the next one, so that anything written from here on is newer.
    seeded_until = int(time.time()) + 1
    time.sleep(max(0.0, seeded_until - time.time()))

    session = sdk.LocalPipelineSession(
        boto_session=boto,
        s3_endpoint_url=endpoint,
        default_bucket=spec['defaultBucket'],
        # No telemetry calls: this machine may have no network, and a local run is nobody's business.
        sagemaker_config={'SchemaVersion': '1.0', 'SageMaker': {'PythonSDK': {'Modules': {'TelemetryOptOut': True}}}},
    )
    session.config = {'local': {'local_code': True, 'serving_port': int(spec.get('servingPort', 8080)),
                                'container_root': spec['containerRoot']}}
    for name, container in spec.get('models', {}).items():
        session.sagemaker_client.create_model(name, dict({'Environment': {}}, **container))

    pipeline = sdk.Pipeline(name=spec['pipelineName'], parameters=list(definition.parameters.values()),
                            steps=steps, sagemaker_session=session)
    session.create_pipeline(pipeline, spec.get('description', 'local run'))

    log = StepLog(sys.stdout)
    registry = Registry(spec['registry'], s3, os.environ['AWS_REGION'], spec.get('approve', False))
    logs = {}
    execution_class, executor_class = _classes(sdk, log, logs, registry, s3)
    execution = execution_class(
        execution_id=sdk.pipeline_entities._generate_execution_id(),
        pipeline=pipeline,
        local_session=session,
        PipelineParameters=parameters,
    )
    real_stdout = sys.stdout
    sys.stdout = log
    try:
        executor_class(execution, session).execute()
    finally:
        sys.stdout = real_stdout

    steps_out = []
    listed = sorted(execution.list_steps()['PipelineExecutionSteps'], key=lambda s: s.get('StartTime') or 0)
    for step in listed:
        name = step['StepName']
        steps_out.append({
            'name': name,
            'type': execution.step_execution[name].type.value,
            'status': step.get('StepStatus'),
            'failureReason': step.get('FailureReason'),
            'log': logs.get(name, {}).get('log', ''),
            'containerFailure': logs.get(name, {}).get('containerFailure'),
            'seconds': round((step.get('EndTime') or time.time()) - (step.get('StartTime') or time.time()), 1),
        })
    return {
        'status': execution.status,
        'failureReason': execution.failure_reason,
        'executionId': execution.pipeline_execution_name,
        'parameters': {k: v for k, v in execution.pipeline_parameters.items()},
        'steps': steps_out,
        'registered': registry.added,
        'objects': _download(s3, spec.get('buckets', []), spec['outputDir'], seeded, seeded_until),
        'seconds': round(time.time() - started, 1),
        'warnings': definition.warnings,
    }


def _classes(sdk, log, logs, registry, s3):
    """The SDK's executor and execution, taught one more step type: the RegisterModel stand-in."""
    local = sdk.local_pipeline
    register = sdk.StepTypeEnum.REGISTER_MODEL

    class Execution(sdk.pipeline_entities._LocalPipelineExecution):
        def _initialize_step_execution(self, steps):
            others = []
            for step in steps:
                if getattr(step, 'step_type', None) == register:
                    record = sdk.pipeline_entities._LocalPipelineExecutionStep(
                        step.name, step.step_type, step.description, step.display_name)
                    record._step_type_to_output_format_map[register] = (
                        lambda r=record: {'RegisterModel': {'Arn': r.properties['ModelPackageArn']}})
                    self.step_execution[step.name] = record
                else:
                    others.append(step)
            super()._initialize_step_execution(others)

    class RegisterModelStandIn(local._StepExecutor):
        def execute(self):
            arguments = self.pipline_executor.evaluate_step_arguments(self.step)
            try:
                return registry.register(arguments, self.pipline_executor.execution)
            except RunError as e:
                self.pipline_executor.execution.update_step_failure(self.step.name, str(e))

    class Factory(local._StepExecutorFactory):
        def get(self, step):
            if step.step_type == register:
                return RegisterModelStandIn(self.pipeline_executor, step)
            return super().get(step)

    class Executor(local.LocalPipelineExecutor):
        def __init__(self, execution, session):
            super().__init__(execution, session)
            self._step_executor_factory = Factory(self)

        def _execute_step(self, step):
            buffer = []
            log.current = buffer
            print(f'\n=== step {step.name} ({step.step_type.value}) ===')
            try:
                super()._execute_step(step)
            except sdk.StepExecutionException:
                logs[step.name] = {'log': ''.join(buffer), 'containerFailure': _container_failure(self, step, s3)}
                raise
            finally:
                log.current = None
            logs[step.name] = {'log': ''.join(buffer)}

    return Execution, Executor


def _container_failure(executor, step, s3):
    """A failed training job's /opt/ml/output/failure, which local mode uploads in output.tar.gz."""
    if step.step_type.value != 'Training':
        return None
    try:
        arguments = executor.evaluate_step_arguments(step)
        bucket, _, prefix = arguments['OutputDataConfig']['S3OutputPath'][len('s3://'):].partition('/')
        pages = s3.get_paginator('list_objects_v2').paginate(Bucket=bucket, Prefix=prefix)
        archives = [o for page in pages for o in page.get('Contents', []) if o['Key'].endswith('/output/output.tar.gz')]
        if not archives:
            return None
        newest = max(archives, key=lambda o: o['LastModified'])
        body = s3.get_object(Bucket=bucket, Key=newest['Key'])['Body'].read()
        with tarfile.open(fileobj=io.BytesIO(body), mode='r:gz') as tar:
            for member in tar.getmembers():
                if os.path.basename(member.name) == 'failure' and member.isfile():
                    return tar.extractfile(member).read().decode('utf-8', 'replace').strip()
    except Exception:  # best effort: the log is shown either way
        return None
    return None


def _zip_directory(root):
    """The zip file of the files under root (paths relative to it, sorted), as cdk deploy packages a directory asset."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                archive.write(full, os.path.relpath(full, root).replace(os.sep, '/'))
    return buffer.getvalue()


class Registry:
    """Stands in for the model registry: records each RegisterModel in a JSON file."""

    def __init__(self, path, s3, region, approve=False):
        self.approve = approve
        self.path = path
        self.s3 = s3
        self.region = region
        self.added = []

    def register(self, arguments, execution):
        group = arguments.get('ModelPackageGroupName')
        if not group:
            raise RunError('RegisterModel needs ModelPackageGroupName')
        status = arguments.get('ModelApprovalStatus', 'PendingManualApproval')
        if status not in APPROVAL_STATUSES:
            raise RunError(f"ModelApprovalStatus must be one of {', '.join(APPROVAL_STATUSES)}, got {status!r}")
        # What the pipeline registered; --approve then does the reviewer's update-model-package.
        registered = status
        if self.approve:
            status = 'Approved'
        spec = arguments.get('InferenceSpecification') or {}
        containers = spec.get('Containers') or []
        if not containers:
            raise RunError('RegisterModel InferenceSpecification has no Containers')
        for container in containers:
            url = container.get('ModelDataUrl')
            if url and not self._exists(url):
                raise RunError(f'model data {url} does not exist')
        metrics = {}
        for kind, group_metrics in (arguments.get('ModelMetrics') or {}).items():
            for name, source in (group_metrics or {}).items():
                uri = source.get('S3Uri', '')
                metrics[f'{kind}.{name}'] = {'S3Uri': uri, 'ContentType': source.get('ContentType'), 'Content': self._read_json(uri)}

        # DriftCheckBaselines as DescribeModelPackage returns it, with each file's content read (it must exist).
        baselines = {}
        for kind, group_baselines in (arguments.get('DriftCheckBaselines') or {}).items():
            for name, source in (group_baselines or {}).items():
                uri = source.get('S3Uri', '')
                if not self._exists(uri):
                    raise RunError(f'DriftCheckBaselines {kind}.{name} {uri} does not exist')
                baselines.setdefault(kind, {})[name] = {'S3Uri': uri, 'ContentType': source.get('ContentType'), 'Content': self._read_json(uri)}

        records = []
        if os.path.exists(self.path):
            with open(self.path, encoding='utf-8') as f:
                records = json.load(f)
        version = 1 + sum(1 for r in records if r['ModelPackageGroupName'] == group)
        arn = f'arn:aws:sagemaker:{self.region}:{LOCAL_ACCOUNT}:model-package/{group.lower()}/{version}'
        record = {
            'ModelPackageArn': arn,
            'ModelPackageGroupName': group,
            'ModelPackageVersion': version,
            'ModelApprovalStatus': status,
            'RegisteredApprovalStatus': registered,
            'Containers': [{k: c.get(k) for k in ('Image', 'ModelDataUrl', 'Environment') if c.get(k) is not None} for c in containers],
            'SupportedContentTypes': spec.get('SupportedContentTypes', []),
            'SupportedResponseMIMETypes': spec.get('SupportedResponseMIMETypes', []),
            'SupportedRealtimeInferenceInstanceTypes': spec.get('SupportedRealtimeInferenceInstanceTypes', []),
            'SupportedTransformInstanceTypes': spec.get('SupportedTransformInstanceTypes', []),
            'ModelMetrics': metrics,
            'DriftCheckBaselines': baselines,
            'PipelineExecutionId': execution.pipeline_execution_name,
            'CreationTime': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        }
        records.append(record)
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        with open(self.path, 'w', encoding='utf-8') as f:
            json.dump(records, f, indent=2)
        self.added.append(record)
        print(f'registered {arn} ({registered}{", approved locally: --approve" if self.approve else ""}) with model data {containers[0].get("ModelDataUrl")}')
        return {'ModelPackageArn': arn, 'ModelApprovalStatus': status}

    def _split(self, uri):
        if not uri.startswith('s3://'):
            raise RunError(f'expected an s3:// URI, got {uri!r}')
        bucket, _, key = uri[len('s3://'):].partition('/')
        return bucket, key

    def _exists(self, uri):
        bucket, key = self._split(uri)
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
            return True
        except Exception:
            return False

    def _read_json(self, uri):
        bucket, key = self._split(uri)
        try:
            body = self.s3.get_object(Bucket=bucket, Key=key)['Body'].read()
        except Exception:
            raise RunError(f'model metrics {uri} do not exist') from None
        try:
            return json.loads(body)
        except json.JSONDecodeError as e:
            raise RunError(f'model metrics {uri} are not JSON: {e}') from None


def _download(s3, buckets, out_dir, seeded, seeded_until):
    """Every object the run wrote, copied to <out_dir>/<bucket>/<key>."""
    written = []
    for bucket in buckets:
        for page in s3.get_paginator('list_objects_v2').paginate(Bucket=bucket):
            for obj in page.get('Contents', []):
                etag = seeded.get((bucket, obj['Key']))
                if etag == obj['ETag'] and obj['LastModified'].timestamp() < seeded_until:
                    continue
                target = os.path.join(out_dir, bucket, *obj['Key'].split('/'))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                s3.download_file(bucket, obj['Key'], target)
                written.append({'uri': f"s3://{bucket}/{obj['Key']}", 'file': target, 'size': obj['Size']})
    return written


def _logging():
    import logging
    logging.basicConfig(level=logging.WARNING, format='%(levelname)s %(name)s: %(message)s')
    # The executor's step lines stay; moto's request log and the SDK's compose file dumps go.
    logging.getLogger('sagemaker.mlops.local').setLevel(logging.INFO)
    logging.getLogger('werkzeug').setLevel(logging.ERROR)


def main(argv):
    _logging()
    if len(argv) != 2:
        print('usage: local_run.py RUN_FILE', file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        spec = json.load(f)
    try:
        result = run(spec)
        code = 0
    except RunError as e:
        result = {'status': 'Refused', 'failureReason': str(e), 'steps': []}
        code = 0
    except Exception as e:  # the command shows it; the traceback goes to stderr
        traceback.print_exc()
        result = {'status': 'Error', 'failureReason': f'{type(e).__name__}: {e}', 'steps': []}
        code = 1
    with open(spec['result'], 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=2, default=str)
    return code


if __name__ == '__main__':
    sys.exit(main(sys.argv))

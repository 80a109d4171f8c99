"""A stand-in for boto3 that records CloudWatch calls (test-only, put first on PYTHONPATH).

client('cloudwatch').put_metric_data(**request) appends the request, as one JSON line, to the
file FAKE_BOTO3_LOG names; with FAKE_BOTO3_FAIL set it raises that message instead, as the
SDK raises a ClientError.
"""
import json
import os


class _CloudWatch:
    def put_metric_data(self, **request):
        failure = os.environ.get('FAKE_BOTO3_FAIL')
        if failure:
            raise RuntimeError(failure)
        with open(os.environ['FAKE_BOTO3_LOG'], 'a', encoding='utf-8') as f:
            f.write(json.dumps(request, default=str) + '\n')
        return {}


def client(service, **kwargs):
    if service != 'cloudwatch':
        raise ValueError(f'the stand-in knows cloudwatch only, not {service}')
    return _CloudWatch()

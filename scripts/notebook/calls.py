"""Makes boto3 calls listed in a JSON file against AWS_ENDPOINT_URL (the suite's
moto server), and prints their results as JSON: how the notebook suite seeds
the stand-in with what the stacks and a training run would have made, and
reads it back afterwards.

    python calls.py CALLS_JSON

Each call is {"service": "s3", "operation": "put_object", "params": {...}},
or {"motoApi": "/moto-api/...", "body": {...}} for moto's own configuration
API. A failing call stops the run with its index and operation.
"""
import json
import os
import sys
import urllib.request

import boto3


def main(argv):
    with open(argv[0]) as f:
        calls = json.load(f)
    session = boto3.Session()
    clients = {}
    results = []
    for index, call in enumerate(calls):
        if 'motoApi' in call:
            request = urllib.request.Request(os.environ['AWS_ENDPOINT_URL'] + call['motoApi'], method='POST',
                                             data=json.dumps(call['body']).encode(), headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(request) as response:
                results.append({'status': response.status})
            continue
        client = clients.setdefault(call['service'], session.client(call['service']))
        params = dict(call.get('params', {}))
        if 'bodyText' in call:
            params['Body'] = call['bodyText'].encode()
        try:
            result = getattr(client, call['operation'])(**params)
        except Exception as e:
            print(f"call {index} ({call['service']} {call['operation']}) failed: {e}", file=sys.stderr)
            return 1
        result.pop('ResponseMetadata', None)
        results.append(result)
    json.dump(results, sys.stdout, default=str)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

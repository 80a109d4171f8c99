import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { sortedMap } from '../../private/validate';
import type { ModelEndpointProps } from '../model-endpoint';

/**
 * How many endpoints one SageMaker model and its execution role serve at most. Each endpoint adds
 * its own statements to the role's one policy (its capture prefix, its rollback alarms, its
 * asynchronous bucket prefixes and topics), and IAM caps the inline policies of a role at 10,240
 * characters (IAM User Guide, "IAM and AWS STS quotas": role policy size). Four asynchronous
 * endpoints, the largest kind, come to about 8,700 characters with the longest names a stack can
 * give them (test/endpoint/shared-model.test.ts measures each mode); five would not fit.
 */
export const MAX_ENDPOINTS_PER_MODEL = 4;

/** A model that endpoints of one stack share, with its execution role. */
export interface SharedModel {
  readonly role: iam.IRole;
  readonly model: sagemaker.CfnModel;
}

interface Entry extends SharedModel {
  endpoints: number;
}

const SHARED = new WeakMap<Stack, Map<string, Entry>>();
const IDS = new WeakMap<object, number>();
let nextId = 0;

/** A name for an object that is the same for the same object only. */
function identity(value: object | undefined): number | null {
  if (value === undefined) {
    return null;
  }
  let id = IDS.get(value);
  if (id === undefined) {
    id = ++nextId;
    IDS.set(value, id);
  }
  return id;
}

/** The parts of a model source that name what it serves, objects by identity. */
export function sourceKey(...parts: Array<string | object | undefined>): string {
  return JSON.stringify(parts.map((part) => (typeof part === 'object' ? identity(part) : part ?? null)));
}

/**
 * What makes two endpoints' models the same: the source (the same image and model data, or the
 * same model package), the role (the same given role, or each its own), the environment and the
 * network isolation, and with it whether the library chose it. Endpoints in a VPC never share:
 * each has its own network interfaces and security group. Undefined when the model cannot be
 * shared (a source of a user's own class).
 */
export function modelKey(props: ModelEndpointProps, networkIsolation: boolean): string | undefined {
  const source = props.vpc ? undefined : props.model._shareKey();
  if (source === undefined) {
    return undefined;
  }
  return JSON.stringify([source, identity(props.role), sortedMap(props.environment) ?? {}, networkIsolation,
    props.networkIsolation === undefined, props.mode._supportsNetworkIsolation]);
}

/** The model an earlier endpoint of `scope`'s stack created for `key`, if it serves fewer than the most. */
export function useSharedModel(scope: Construct, key: string): SharedModel | undefined {
  const entry = SHARED.get(Stack.of(scope))?.get(key);
  if (!entry || entry.endpoints >= MAX_ENDPOINTS_PER_MODEL) {
    return undefined;
  }
  entry.endpoints++;
  return entry;
}

/** Offers the model an endpoint created to the later endpoints of its stack with the same `key`. */
export function offerSharedModel(scope: Construct, key: string, model: SharedModel): void {
  const stack = Stack.of(scope);
  const models = SHARED.get(stack) ?? new Map<string, Entry>();
  SHARED.set(stack, models);
  models.set(key, { ...model, endpoints: 1 });
}

import { Token } from 'aws-cdk-lib';
import { renderOwnAlarmsDeployment } from './deployment';
import { EndpointModeImpl, ModeBinding, ModeContext } from './mode';
import { INVOKE_ACTIONS } from './realtime';
import { rejectForeign } from './reject';
import { checkModeOptions } from './variant';
import { checkOptional, isNumber } from '../../image/private/input';
import { checkInteger } from '../../private/validate';
import { ServerlessModeOptions } from '../serverless';

/**
 * The serverless mode.
 *
 * Limits (SageMaker API reference, ProductionVariantServerlessConfig, and the
 * CloudFormation reference, AWS::SageMaker::EndpointConfig ServerlessConfig):
 * MemorySizeInMB 1024–6144 in 1 GB increments; MaxConcurrency 1–200;
 * ProvisionedConcurrency 1–200 and at most MaxConcurrency.
 * Serverless inference excludes GPUs, VPC configuration, network isolation,
 * data capture and multiple production variants (Developer Guide,
 * "Serverless Inference", feature exclusions).
 */
export class ServerlessMode implements EndpointModeImpl {
  // Serverless Inference lists network isolation among its feature exclusions (Developer Guide).
  public readonly supportsNetworkIsolation = false;
  private readonly memorySizeInMb: number;
  private readonly maxConcurrency: number;
  private readonly provisionedConcurrency?: number;

  constructor(options: ServerlessModeOptions) {
    checkModeOptions('serverless', options, '{ memorySizeMiB: 2048 }');
    for (const key of ['memorySizeMiB', 'maxConcurrency', 'provisionedConcurrency'] as const) {
      checkOptional(`endpointMode.serverless ${key}`, options[key], isNumber, 'a number', key === 'memorySizeMiB' ? '2048' : '10');
    }
    rejectForeign('serverless', options, [
      'instanceType', 'initialInstanceCount', 'volumeSize', 'volumeEncryptionKey', 'modelDataDownloadTimeout',
      'containerStartupHealthCheckTimeout', 'autoScaling', 'dataCapture', 'deployment', 'outputBucket',
    ]);
    this.memorySizeInMb = options.memorySizeMiB ?? 2048;
    if (!Token.isUnresolved(this.memorySizeInMb)
      && (!Number.isInteger(this.memorySizeInMb) || this.memorySizeInMb < 1024 || this.memorySizeInMb > 6144 || this.memorySizeInMb % 1024 !== 0)) {
      throw new Error(`endpointMode.serverless memorySizeMiB must be 1024–6144 MiB in steps of 1024, got ${this.memorySizeInMb}: `
        + 'give 1024, 2048, 3072, 4096, 5120 or 6144');
    }
    this.maxConcurrency = options.maxConcurrency ?? 10;
    checkInteger('endpointMode.serverless maxConcurrency', this.maxConcurrency, 1, 200);
    this.provisionedConcurrency = options.provisionedConcurrency;
    checkInteger('endpointMode.serverless provisionedConcurrency', this.provisionedConcurrency, 1, 200);
    if (this.provisionedConcurrency !== undefined && !Token.isUnresolved(this.provisionedConcurrency)
      && !Token.isUnresolved(this.maxConcurrency) && this.provisionedConcurrency > this.maxConcurrency) {
      throw new Error(`endpointMode.serverless provisionedConcurrency (${this.provisionedConcurrency}) exceeds maxConcurrency `
        + `(${this.maxConcurrency}): lower provisionedConcurrency or raise maxConcurrency`);
    }
  }

  public bind(ctx: ModeContext): ModeBinding {
    if (ctx.inVpc) {
      throw new Error('modelEndpoint vpc is set with EndpointMode.serverless, which cannot run in a VPC: '
        + 'drop vpc, or use EndpointMode.realtime for a model that must reach private resources');
    }
    if (ctx.networkIsolation) {
      throw new Error('modelEndpoint networkIsolation is true with EndpointMode.serverless, which does not support it: '
        + 'drop networkIsolation, or use EndpointMode.realtime');
    }
    return {
      logsResource: 'Endpoints',
      hosting: {
        variant: {
          serverlessConfig: {
            memorySizeInMb: this.memorySizeInMb,
            maxConcurrency: this.maxConcurrency,
            provisionedConcurrency: this.provisionedConcurrency,
          },
        },
        // Deployment guardrails exclude serverless endpoints from rolling deployments only
        // ("Exclusions": "If you're doing a rolling deployment, there are additional feature-based
        // exclusions: Serverless inference endpoints"), and a serverless endpoint is updated like a
        // real-time one ("Update a serverless endpoint"). Traffic shifting in steps counts instances,
        // so an update is blue/green all at once with a baking period in which the endpoint's own
        // alarms roll it back.
        deploymentConfig: renderOwnAlarmsDeployment('serverless', ctx.ownAlarmNames, 1),
        invokeActions: INVOKE_ACTIONS,
      },
    };
  }
}

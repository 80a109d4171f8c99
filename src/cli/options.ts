/**
 * The command line of `cdk-sagemaker-github local-run`.
 */
import { UsageError } from './errors';

export interface LocalRunOptions {
  /** The synthesized cloud assembly. */
  readonly app: string;
  /** Which pipeline: construct path, logical ID or pipeline name. */
  readonly pipeline?: string;
  /** A folder that stands in for S3: `<data>/<bucket>/<key>` is `s3://<bucket>/<key>`. */
  readonly data?: string;
  /** `TAG` (the app's own images) or `URI=TAG`. */
  readonly images: string[];
  readonly parameters: Record<string, string>;
  readonly stackParameters: Record<string, string>;
  /** Where the local S3, the model registry stand-in and the run records live. */
  readonly work: string;
  readonly python?: string;
  readonly region: string;
  /** Port the serving container of a Transform step listens on. */
  readonly servingPort: number;
  /** Record what the run registers as Approved, as a reviewer would (update-model-package). */
  readonly approve: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
}

export const LOCAL_RUN_USAGE = `usage: cdk-sagemaker-github local-run [options]

Runs a synthesized SageMaker pipeline on this machine, in Docker, with the
SageMaker Python SDK's local mode: its Training, Processing and Transform steps
run your image as SageMaker would, conditions and Fail steps behave as they do
in SageMaker, and RegisterModel is recorded in a local registry.

  --app DIR               the synthesized cloud assembly (default: cdk.out)
  --pipeline ID           the pipeline: construct path, logical id or pipeline name
                          (needed when the app has more than one)
  --data DIR              local data: DIR/<bucket>/<key> is s3://<bucket>/<key>
  --image TAG             run the local image TAG wherever the app runs its own
                          ECR image; --image URI=TAG maps one image URI
  --parameter NAME=VALUE  a pipeline parameter (repeatable)
  --stack-parameter NAME=VALUE
                          a CloudFormation parameter of the stack (repeatable)
  --work DIR              local S3, registry and run records (default: .local-run)
  --python PATH           a python with the pinned packages (default: a virtual
                          environment made on first use)
  --region REGION         the region the run pretends to be in (default: AWS_REGION
                          or us-east-1)
  --serving-port PORT     the port of a Transform step's container (default: 8080)
  --approve               approve what the run registers in the local registry, as a
                          reviewer would (aws sagemaker update-model-package): the
                          pipeline itself registers PendingManualApproval
  --quiet                 do not stream the containers' output
  --help                  this text

Local mode cannot run instance groups, Pipe mode or ShardedByS3Key (local-run
refuses them), and ignores spot, checkpoints, retries, VPC, KMS, metric
definitions and instance types: every job runs on this machine's CPU.
`;

/** Parses the arguments after `local-run`. */
export function parseLocalRunArgs(argv: string[], env: NodeJS.ProcessEnv): LocalRunOptions {
  const images: string[] = [];
  const parameters: Record<string, string> = {};
  const stackParameters: Record<string, string> = {};
  const single: Record<string, string | undefined> = {};
  let quiet = false;
  let approve = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const next = (): string => {
      if (inline !== undefined) return inline;
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`${flag} needs a value, e.g. ${flag} ${EXAMPLE[flag] ?? 'VALUE'}`);
      }
      return value;
    };
    switch (flag) {
      case '--app': case '--pipeline': case '--data': case '--work': case '--python': case '--region': case '--serving-port':
        single[flag] = next();
        break;
      case '--image':
        images.push(next());
        break;
      case '--parameter': case '--stack-parameter': {
        const pair = next();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`${flag} ${pair}: expected NAME=VALUE, e.g. ${flag} ${EXAMPLE[flag]}`);
        (flag === '--parameter' ? parameters : stackParameters)[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--approve':
        approve = true;
        break;
      case '--quiet':
        quiet = true;
        break;
      case '--help': case '-h':
        help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}: see cdk-sagemaker-github local-run --help`);
    }
  }
  for (const image of images) {
    const [uri, tag] = image.includes('=') ? image.split(/=(.*)/s) : ['', image];
    if (!tag || (image.includes('=') && !uri)) {
      throw new UsageError(`--image ${image}: expected a local image TAG, or URI=TAG, e.g. --image my-model:latest`);
    }
  }
  const servingPort = Number(single['--serving-port'] ?? '8080');
  if (!Number.isInteger(servingPort) || servingPort < 1 || servingPort > 65535) {
    throw new UsageError(`--serving-port ${single['--serving-port']}: expected a port number from 1 to 65535, e.g. --serving-port 8080`);
  }
  return {
    app: single['--app'] ?? 'cdk.out',
    pipeline: single['--pipeline'],
    data: single['--data'],
    images,
    parameters,
    stackParameters,
    work: single['--work'] ?? '.local-run',
    python: single['--python'],
    region: single['--region'] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    servingPort,
    approve,
    quiet,
    help,
  };
}

const EXAMPLE: Record<string, string> = {
  '--app': 'cdk.out',
  '--pipeline': 'MyStack/Training',
  '--data': './data',
  '--image': 'my-model:latest',
  '--parameter': 'QualityThreshold=0.5',
  '--stack-parameter': 'ImageTag=dev',
  '--work': '.local-run',
  '--python': '.venv/bin/python',
  '--region': 'us-east-1',
  '--serving-port': '8080',
};

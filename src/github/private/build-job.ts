import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { checkLine } from './workflow-checks';
import { JobContext } from './workflow-context';
import { WorkflowJob, WorkflowStep } from './workflow-model';
import { WORKFLOW_ACTIONS } from './workflow-render';
import { existingImageScript, imageUriScript } from './workflow-scripts';
import { IBuildableImage } from '../../image/buildable-image';

/** The build steps run only when no image of the commit exists yet. */
const EXISTING_IMAGE_MISSING = "steps.existing.outputs.digest == ''";

/** What the build job builds, and how. */
export interface BuildJobOptions {
  readonly image: IBuildableImage;
  readonly role: iam.IRole;
  readonly environment?: string;
  readonly dockerContext?: string;
  readonly dockerfile?: string;
  readonly freeDiskSpace?: boolean;
}

/**
 * The `build` job: build the image with buildx and its ECR registry cache,
 * push it tagged with the git SHA (unless an image of the commit exists), and
 * output its URI and digest. Grants `role` what that takes.
 */
export function buildJob(context: JobContext, options: BuildJobOptions): WorkflowJob {
  const { image, role: buildRole } = options;
  const values = context.values;
  const role = values.use('BUILD_ROLE_ARN', 'the role of the build job', buildRole.roleArn);
  const repository = values.use('IMAGE_REPOSITORY_URI', 'the URI of the image repository', image.repository.repositoryUri);
  // Where `cdk-sagemaker-github init-container` writes the starter container by default.
  const dockerContext = options.dockerContext ?? 'container';
  checkLine('dockerContext', dockerContext, 'give a directory relative to the repository root, e.g. \'container\' or \'.\'');
  const dockerfile = options.dockerfile ?? path.posix.join(dockerContext, 'Dockerfile');
  checkLine('dockerfile', dockerfile, 'give a path relative to the repository root, e.g. \'Dockerfile\'');

  let registries: string | undefined;
  let baseImage: string | undefined;
  if (image.baseImage) {
    // Logging in to registries other than the account's own replaces the default, so list both.
    registries = values.use('ECR_REGISTRIES', 'the account IDs of the image repository and the base image registry',
      `${image.repository.env.account},${image.baseImage.registryAccountFor(context.scope)}`);
    baseImage = values.use('BASE_IMAGE_URI', 'the Deep Learning Container the Dockerfile builds from',
      image.baseImage.imageUriFor(context.scope));
  }

  const cache = `${repository}:${image.cacheTag}`;
  const build = {
    'context': dockerContext,
    'file': dockerfile,
    'push': true,
    // SageMaker rejects OCI image manifests ("Unsupported manifest media type
    // application/vnd.oci.image.manifest.v1+json"). Attestations force an OCI
    // image index, so provenance and SBOM are off, and the image exporter
    // writes Docker media types (oci-mediatypes=false; `push: true` sets
    // push=true on this image output): docs.docker.com/build/exporters/image-registry/
    'provenance': false,
    'sbom': false,
    'outputs': 'type=image,oci-mediatypes=false',
    'tags': `${repository}:\${{ github.sha }}`,
    // ECR stores a registry cache only as an OCI image manifest
    // (image-manifest=true,oci-mediatypes=true): docs.docker.com/build/cache/backends/registry/
    // and the ECR BuildKit remote cache announcement. The cache tag is the
    // repository's one mutable tag.
    'cache-from': `type=registry,ref=${cache}`,
    'cache-to': `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true`,
    ...(baseImage ? { 'build-args': `BASE_IMAGE=${baseImage}` } : {}),
  };

  const steps: WorkflowStep[] = context.checkVariablesStep([role, context.region, repository, registries ?? '', baseImage ?? '']);
  if (options.freeDiskSpace ?? true) {
    steps.push({ name: 'Free disk space', uses: context.uses(WORKFLOW_ACTIONS.freeDiskSpace) });
  }
  steps.push(
    { name: 'Check out', uses: context.uses(WORKFLOW_ACTIONS.checkout), with: { 'persist-credentials': false } },
    context.credentialsStep(role, 'sagemaker-build'),
    {
      name: 'Log in to Amazon ECR',
      uses: context.uses(WORKFLOW_ACTIONS.amazonEcrLogin),
      ...(registries ? { with: { registries } } : {}),
    },
    // Release tags are immutable: a re-run (or a run by hand) of a commit
    // that is already built reuses its image instead of failing to push.
    {
      name: 'Look for an image of this commit',
      id: 'existing',
      env: { REPOSITORY_URI: repository },
      run: existingImageScript(),
    },
    {
      name: 'Set up Docker Buildx',
      if: EXISTING_IMAGE_MISSING,
      uses: context.uses(WORKFLOW_ACTIONS.setupBuildx),
    },
    {
      name: 'Build and push the image',
      id: 'build',
      if: EXISTING_IMAGE_MISSING,
      uses: context.uses(WORKFLOW_ACTIONS.buildPush),
      with: build,
    },
    {
      name: 'Image URI',
      id: 'image',
      env: {
        REPOSITORY_URI: repository,
        DIGEST: '${{ steps.existing.outputs.digest || steps.build.outputs.digest }}',
      },
      run: imageUriScript(),
    },
  );
  return {
    'name': 'Build and push the image',
    'runs-on': 'ubuntu-latest',
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    // Checking out reads the contents; the OIDC token needs id-token.
    'permissions': { 'contents': 'read', 'id-token': 'write' },
    'outputs': {
      'image-uri': '${{ steps.image.outputs.uri }}',
      'digest': '${{ steps.image.outputs.digest }}',
    },
    steps,
  };
}

/**
 * Grants the build job's role what the job does: pull and push the image (the
 * registry cache is read too), look up whether the commit's tag exists
 * (`ecr:DescribeImages`, so that a re-run does not push an immutable tag
 * twice), and pull the Deep Learning Container base image when there is one.
 */
export function grantBuild(image: IBuildableImage, role: iam.IRole): void {
  image.grantPullPush(role);
  image.repository.grant(role, 'ecr:DescribeImages');
  // The registry account follows the region of the stack that holds the role's policy.
  image.baseImage?.grantPull(role, role);
}

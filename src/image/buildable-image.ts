import { CfnParameter } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DeepLearningContainer } from './deep-learning-container';

/**
 * An image that CI builds from a Dockerfile and pushes to ECR, such as a
 * `CustomTrainingImage`: what `GitHubWorkflow` reads to build and deploy it.
 */
export interface IBuildableImage {
  /**
   * The repository the build pushes to (release tags and the registry cache).
   */
  readonly repository: ecr.IRepository;

  /**
   * The one mutable tag of the repository, which the buildx registry cache writes to.
   */
  readonly cacheTag: string;

  /**
   * The deploy-time parameter that takes the tag to run; the workflow's deploy
   * job sets it to the git SHA it pushed.
   *
   * @default - no parameter: the tag is fixed in the app and the deploy job passes none
   */
  readonly imageTagParameter?: CfnParameter;

  /**
   * The AWS Deep Learning Container the Dockerfile builds `FROM`: the build
   * logs in to its registry, pulls it and passes its URI as the `BASE_IMAGE`
   * build argument.
   *
   * @default - the Dockerfile's base needs no AWS registry
   */
  readonly baseImage?: DeepLearningContainer;

  /**
   * Grants pulling and pushing images of `repository` (and
   * `ecr:GetAuthorizationToken`), as `ecr.IRepository.grantPullPush` does.
   *
   * @param grantee the principal that builds and pushes the image
   */
  grantPullPush(grantee: iam.IGrantable): iam.Grant;
}

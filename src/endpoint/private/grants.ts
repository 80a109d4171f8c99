import { PrefixGrantOptions } from '../../private/s3';

/**
 * How SageMaker uses the endpoint's data under a prefix: it reads or writes
 * objects whose keys it is given or names itself, and never lists them; its
 * uploads are single PUTs, so no `s3:AbortMultipartUpload` either.
 */
export const OBJECTS_ONLY: PrefixGrantOptions = { list: false, abortMultipartUpload: false };

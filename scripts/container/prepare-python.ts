/**
 * Makes local-run's python side (the pinned src/cli/requirements.txt) where
 * CDK_SAGEMAKER_GITHUB_VENV points, with the code local-run itself uses, so
 * that the container stage installs it once, timed, before its suites run.
 */
import { ensureVenv, venvDir } from '../../src/cli/python';

const dir = venvDir(process.env);
const started = Date.now();
const python = ensureVenv(dir, (line) => console.log(`container stage: ${line}`));
console.log(`container stage: local-run's python is ${python} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

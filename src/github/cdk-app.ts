import * as fs from 'fs';
import * as path from 'path';
import { appDirectoryProblem, checkCommand, checkOptionalString, checkVersion } from './private/cdk-app-checks';
import { cdkAppSetup, CdkAppSetup, CdkAppSpec, DEFAULT_CDK_CLI_VERSION } from './private/cdk-app-setup';
import { shown } from './private/props';

/**
 * The package manager of a TypeScript or JavaScript CDK app.
 */
export enum NodePackageManager {
  /** npm: `npm ci` (a `package-lock.json` or `npm-shrinkwrap.json`). */
  NPM = 'npm',
  /** Yarn classic: `yarn install --frozen-lockfile` (a `yarn.lock`). */
  YARN = 'yarn',
  /** pnpm: `pnpm install --frozen-lockfile` (a `pnpm-lock.yaml`). */
  PNPM = 'pnpm',
}

/**
 * What every kind of CDK app takes: where it is and how to install and run it.
 */
export interface CdkAppOptions {
  /**
   * The directory of the app (the one that holds `cdk.json`), relative to the
   * repository root. The deploy job installs and runs `cdk deploy` there.
   *
   * @default - the directory the app is synthesized in, relative to the repository root (the nearest folder above it that holds `.git`), else '.'
   */
  readonly directory?: string;

  /**
   * The shell commands that install the app's dependencies, run in `directory`
   * instead of the language's default (e.g. `poetry install`).
   *
   * @default - the language's install (`npm ci`, `pip install --requirement requirements.txt` in a virtual environment, `mvn compile`, `go mod download`)
   */
  readonly installCommand?: string;

  /**
   * The command that runs the app, passed to `cdk deploy --app` instead of the
   * `app` of `cdk.json`.
   *
   * @default - the `app` of the `cdk.json` in `directory`
   */
  readonly appCommand?: string;
}

/**
 * Options of `CdkApp.typescript()`.
 */
export interface TypeScriptAppOptions extends CdkAppOptions {
  /**
   * The package manager that installs the app; its lock file must be committed.
   * The job runs the CDK CLI of the app's own dependencies (`npx cdk`).
   *
   * @default - the one whose lock file is in `directory` at synth (`pnpm-lock.yaml`, `yarn.lock`), else npm
   */
  readonly packageManager?: NodePackageManager;

  /**
   * The Node.js version (`node-version` of `actions/setup-node`).
   *
   * @default 'lts/*'
   */
  readonly nodeVersion?: string;
}

/**
 * What the apps that are not Node.js apps share: the CDK CLI they get from npm.
 */
export interface CdkCliOptions {
  /**
   * The version of the AWS CDK CLI (the `aws-cdk` npm package) the job
   * installs (`npm install --global`): an exact version, or a major version to
   * take the newest release of it at each run. The CLI must be at least as new
   * as the app's `aws-cdk-lib` (else `cdk deploy` fails with "This CDK CLI is
   * not compatible with the CDK library used by your application"): raise it
   * with `aws-cdk-lib`.
   *
   * @default '2.1148.1' (the newest release when this library version was made)
   */
  readonly cdkCliVersion?: string;
}

/**
 * Options of `CdkApp.python()`.
 */
export interface PythonAppOptions extends CdkAppOptions, CdkCliOptions {
  /**
   * The Python version (`python-version` of `actions/setup-python`).
   *
   * @default - the minor version of the Python that synthesizes the app, else '3.x'
   */
  readonly pythonVersion?: string;

  /**
   * The requirements file, relative to `directory`, installed into a virtual
   * environment `.venv` in `directory` (as `cdk init` makes it).
   *
   * @default 'requirements.txt'
   */
  readonly requirementsFile?: string;
}

/**
 * Options of `CdkApp.java()`.
 */
export interface JavaAppOptions extends CdkAppOptions, CdkCliOptions {
  /**
   * The Java version (`java-version` of `actions/setup-java`).
   *
   * @default - the major version of the Java that synthesizes the app, else '21'
   */
  readonly javaVersion?: string;

  /**
   * The Java distribution (`distribution` of `actions/setup-java`).
   *
   * @default 'corretto'
   */
  readonly javaDistribution?: string;
}

/**
 * Options of `CdkApp.golang()`.
 */
export interface GoAppOptions extends CdkAppOptions, CdkCliOptions {
  /**
   * The Go version (`go-version` of `actions/setup-go`).
   *
   * @default - the `go` line of `go.mod` in `directory` (`go-version-file`)
   */
  readonly goVersion?: string;
}

/**
 * Options of `CdkApp.custom()`.
 */
export interface CustomAppOptions extends CdkCliOptions {
  /**
   * The shell commands that set up and install the app, run in `directory`
   * (the runner's preinstalled tools only: e.g. `dotnet restore`).
   */
  readonly installCommand: string;

  /**
   * The directory of the app (the one that holds `cdk.json`), relative to the
   * repository root.
   *
   * @default - the directory the app is synthesized in, relative to the repository root, else '.'
   */
  readonly directory?: string;

  /**
   * The command that runs the app, passed to `cdk deploy --app`.
   *
   * @default - the `app` of the `cdk.json` in `directory`
   */
  readonly appCommand?: string;
}

/**
 * How the deploy job of a `GitHubWorkflow` installs the CDK app and runs
 * `cdk deploy`: the app's language, package manager and directory.
 *
 * Every kind gets the CDK CLI from npm: a TypeScript app runs its own
 * (`npx cdk`); the others set up Node.js for the CLI only (no npm install
 * of the app) and install the `aws-cdk` package globally.
 *
 * | kind | sets up | installs | runs |
 * |---|---|---|---|
 * | `typescript()` | `actions/setup-node` (cached) | `npm ci`, `yarn install --frozen-lockfile` or `pnpm install --frozen-lockfile` | `npx cdk deploy` |
 * | `python()` | `actions/setup-python` (pip cache), Node.js | `pip install --requirement requirements.txt` in `.venv` | `cdk deploy` in the virtual environment |
 * | `java()` | `actions/setup-java` (Maven cache), Node.js | `mvn compile` | `cdk deploy` |
 * | `golang()` | `actions/setup-go` (module cache), Node.js | `go mod download` | `cdk deploy` |
 * | `custom()` | Node.js | your commands | `cdk deploy` |
 *
 * @example
 * const app = CdkApp.python({ directory: 'infra' });
 */
export class CdkApp {
  /**
   * The app that is being synthesized: a Python, Java or Go app when a jsii
   * host runs it (the host names itself in the `JSII_AGENT` environment
   * variable of the Node.js process it starts: `Python/3.12.1`, `Java/21.0.2`,
   * `go1.22.1/linux/amd64`), else a TypeScript or JavaScript app with the
   * package manager of the lock file found in the current directory. Apps of
   * other languages (e.g. .NET) must be given with `CdkApp.custom()`.
   */
  public static fromEnvironment(): CdkApp {
    const agent = process.env.JSII_AGENT;
    if (agent === undefined || agent === '') {
      return CdkApp.typescript();
    }
    if (agent.startsWith('Python/')) {
      return CdkApp.python();
    }
    if (agent.startsWith('Java/')) {
      return CdkApp.java();
    }
    if (/^go\d/.test(agent)) {
      return CdkApp.golang();
    }
    throw new Error(`gitHubWorkflow deploy.app cannot be told from the app that synthesizes the workflow (JSII_AGENT '${agent}'): `
      + 'give it, e.g. CdkApp.custom({ installCommand: \'dotnet restore\' }) for a .NET app');
  }

  /**
   * A TypeScript or JavaScript app: `actions/setup-node` with the package
   * manager's cache, the locked install, and the app's own CDK CLI (`npx cdk`).
   *
   * @param options the package manager, directory and commands
   */
  public static typescript(options: TypeScriptAppOptions = {}): CdkApp {
    const directory = appDirectory('cdkApp.typescript', options);
    checkAppOptions('cdkApp.typescript', options);
    checkOptionalString('cdkApp.typescript', 'nodeVersion', options.nodeVersion, "give a version such as 'lts/*' or '22'");
    const packageManager = options.packageManager ?? detectPackageManager();
    if (!Object.values(NodePackageManager).includes(packageManager)) {
      throw new Error(`cdkApp.typescript packageManager must be one of ${Object.values(NodePackageManager).join(', ')}, `
        + `got ${shown(packageManager)}: use NodePackageManager.NPM, YARN or PNPM`);
    }
    return new CdkApp({
      language: 'typescript',
      directory,
      packageManager,
      nodeVersion: options.nodeVersion ?? 'lts/*',
      installCommand: options.installCommand,
      appCommand: options.appCommand,
    });
  }

  /**
   * A Python app: `actions/setup-python` with the pip cache, a virtual
   * environment `.venv` with the requirements installed, and the CDK CLI from
   * npm, run in that environment.
   *
   * @param options the Python version, requirements file, directory and commands
   */
  public static python(options: PythonAppOptions = {}): CdkApp {
    const directory = appDirectory('cdkApp.python', options);
    checkAppOptions('cdkApp.python', options);
    checkVersion('cdkApp.python', 'cdkCliVersion', options.cdkCliVersion);
    checkOptionalString('cdkApp.python', 'pythonVersion', options.pythonVersion, "give a version such as '3.12'");
    const requirementsFile = options.requirementsFile ?? 'requirements.txt';
    const problem = appDirectoryProblem(requirementsFile);
    if (problem) {
      throw new Error(`cdkApp.python requirementsFile ${shown(requirementsFile)} ${problem}: `
        + "give a file relative to directory, e.g. 'requirements.txt'");
    }
    return new CdkApp({
      language: 'python',
      directory,
      pythonVersion: options.pythonVersion ?? agentVersion('Python/', 2) ?? '3.x',
      requirementsFile,
      cdkCliVersion: options.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION,
      installCommand: options.installCommand,
      appCommand: options.appCommand,
    });
  }

  /**
   * A Java app built with Maven: `actions/setup-java` with the Maven cache,
   * `mvn compile`, and the CDK CLI from npm.
   *
   * @param options the Java version and distribution, directory and commands
   */
  public static java(options: JavaAppOptions = {}): CdkApp {
    const directory = appDirectory('cdkApp.java', options);
    checkAppOptions('cdkApp.java', options);
    checkVersion('cdkApp.java', 'cdkCliVersion', options.cdkCliVersion);
    checkOptionalString('cdkApp.java', 'javaVersion', options.javaVersion, "give a version such as '21'");
    checkOptionalString('cdkApp.java', 'javaDistribution', options.javaDistribution, "give a distribution of actions/setup-java such as 'corretto' or 'temurin'");
    return new CdkApp({
      language: 'java',
      directory,
      javaVersion: options.javaVersion ?? agentVersion('Java/', 1) ?? '21',
      javaDistribution: options.javaDistribution ?? 'corretto',
      cdkCliVersion: options.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION,
      installCommand: options.installCommand,
      appCommand: options.appCommand,
    });
  }

  /**
   * A Go app: `actions/setup-go` with the module cache (the version from
   * `go.mod`), `go mod download`, and the CDK CLI from npm.
   *
   * (`go` is a keyword of Go, hence the name.)
   *
   * @param options the Go version, directory and commands
   */
  public static golang(options: GoAppOptions = {}): CdkApp {
    const directory = appDirectory('cdkApp.golang', options);
    checkAppOptions('cdkApp.golang', options);
    checkVersion('cdkApp.golang', 'cdkCliVersion', options.cdkCliVersion);
    checkOptionalString('cdkApp.golang', 'goVersion', options.goVersion, "give a version such as '1.23'");
    return new CdkApp({
      language: 'go',
      directory,
      goVersion: options.goVersion,
      cdkCliVersion: options.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION,
      installCommand: options.installCommand,
      appCommand: options.appCommand,
    });
  }

  /**
   * An app of any other kind: Node.js for the CDK CLI from npm, your install
   * commands, and `cdk deploy` (with `--app` when given).
   *
   * @param options the install commands, directory and app command
   */
  public static custom(options: CustomAppOptions): CdkApp {
    if (options === undefined || options === null || typeof options !== 'object') {
      throw new Error(`cdkApp.custom options must be given, got ${shown(options)}: `
        + "give at least installCommand, e.g. CdkApp.custom({ installCommand: 'dotnet restore' })");
    }
    if (options.installCommand === undefined || options.installCommand === null) {
      throw new Error(`cdkApp.custom installCommand is required, got ${shown(options.installCommand)}: `
        + "give the commands that install the app, e.g. 'dotnet restore'");
    }
    const directory = appDirectory('cdkApp.custom', options);
    checkAppOptions('cdkApp.custom', options);
    checkVersion('cdkApp.custom', 'cdkCliVersion', options.cdkCliVersion);
    return new CdkApp({
      language: 'custom',
      directory,
      cdkCliVersion: options.cdkCliVersion ?? DEFAULT_CDK_CLI_VERSION,
      installCommand: options.installCommand,
      appCommand: options.appCommand,
    });
  }

  /** The kind of app: `typescript`, `python`, `java`, `go` or `custom`. */
  public readonly language: string;

  /** The app's directory, relative to the repository root. */
  public readonly directory: string;

  private readonly spec: CdkAppSpec;

  private constructor(spec: CdkAppSpec) {
    this.spec = spec;
    this.language = spec.language;
    this.directory = spec.directory;
  }

  /**
   * The deploy job's steps for this app (internal: the workflow renders them).
   *
   * @internal
   */
  public _setup(uses: (action: 'setupNode' | 'setupPython' | 'setupJava' | 'setupGo') => string): CdkAppSetup {
    return cdkAppSetup(this.spec, uses);
  }
}

/** `where` is the factory as messages name it, `cdkApp.<kind>`. */
function appDirectory(where: string, options: CdkAppOptions | undefined): string {
  if (options === null || (options !== undefined && typeof options !== 'object')) {
    throw new Error(`${where} options must be an object, got ${shown(options)}: `
      + `give e.g. ${where.replace(/^cdkApp\./, 'CdkApp.')}({ directory: '.' }), or nothing`);
  }
  const given = options?.directory;
  if (given === undefined) {
    return detectDirectory();
  }
  const problem = typeof given === 'string' ? appDirectoryProblem(given) : 'is not a string';
  if (problem) {
    throw new Error(`${where} directory ${shown(given)} ${problem}: `
      + "give a directory relative to the repository root, e.g. '.' or 'infra'");
  }
  return path.posix.normalize(given);
}

function checkAppOptions(where: string, options: CdkAppOptions): void {
  checkCommand(where, 'installCommand', options.installCommand);
  checkCommand(where, 'appCommand', options.appCommand);
}

/** The current directory relative to the nearest folder above it that holds `.git`; '.' when there is none. */
function detectDirectory(): string {
  const cwd = process.cwd();
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) {
      const relative = path.relative(dir, cwd).split(path.sep).join('/');
      return relative === '' ? '.' : relative;
    }
    if (path.dirname(dir) === dir) {
      return '.';
    }
  }
}

/** The package manager whose lock file is in the current directory (the app's, at synth). */
function detectPackageManager(): NodePackageManager {
  const here = (file: string) => fs.existsSync(path.join(process.cwd(), file));
  if (here('pnpm-lock.yaml')) {
    return NodePackageManager.PNPM;
  }
  if (here('yarn.lock') && !here('package-lock.json')) {
    return NodePackageManager.YARN;
  }
  return NodePackageManager.NPM;
}

/** The first `parts` numbers of the host's version in `JSII_AGENT` (`Python/3.12.1` → `3.12`), when that host runs the app. */
function agentVersion(prefix: string, parts: number): string | undefined {
  const agent = process.env.JSII_AGENT ?? '';
  if (!agent.startsWith(prefix)) {
    return undefined;
  }
  const match = /^(\d+(?:\.\d+)*)/.exec(agent.slice(prefix.length));
  if (!match) {
    return undefined;
  }
  const numbers = match[1].split('.');
  // Java 8 and older call themselves 1.8.0_<update>.
  const start = prefix === 'Java/' && numbers[0] === '1' && numbers.length > 1 ? 1 : 0;
  return numbers.slice(start, start + parts).join('.');
}


/**
 * Docker and Compose as the container tests drive them: the engine's own CLI
 * (/usr/bin/docker, Debian's, with BuildKit built in) and one Compose project
 * per topology, torn down by name.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DOCKER = process.env.DOCKER ?? "/usr/bin/docker";
/** The app image docker-compose.yml names; test/containers/run.sh builds it. */
export const IMAGE = "meshboard:local";
/** Every project the tests create starts with this, so a leftover can be found and removed. */
export const PROJECT_PREFIX = `meshboard-ct-${process.env.MESHBOARD_CT_RUN ?? process.pid}-`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; resolves with its exit code and output (never throws for a non-zero exit). */
export function run(file: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Like run, but a non-zero exit is an error that says what failed and why. */
export async function check(file: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${path.basename(file)} ${args.join(" ")} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r.stdout;
}

export const docker = (...args: string[]) => check(DOCKER, args);

/** Compose v2 (`docker compose`) when the engine's CLI has it, else Compose 1.x (`docker-compose`). */
export async function composeCommand(): Promise<{ file: string; args: string[]; version: string }> {
  const v2 = await run(DOCKER, ["compose", "version", "--short"]);
  if (v2.code === 0) return { file: DOCKER, args: ["compose"], version: v2.stdout.trim() };
  const v1 = await run("docker-compose", ["version", "--short"]);
  if (v1.code === 0) return { file: "docker-compose", args: [], version: v1.stdout.trim() };
  throw new Error("neither `docker compose` nor `docker-compose` runs: bash scripts/container-deps.sh installs Compose");
}

export interface ContainerState {
  id: string;
  running: boolean;
  exitCode: number;
  startedAt: string;
  readOnlyRoot: boolean;
  user: string;
}

/**
 * docker-compose.yml as a project of its own: `-p <name>`, the repository's
 * file plus the test's override, variables through the environment.
 */
export class ComposeProject {
  private constructor(
    readonly name: string,
    private readonly compose: { file: string; args: string[] },
    private readonly files: string[],
    private readonly env: Record<string, string>,
  ) {}

  static async create(name: string, files: string[], env: Record<string, string>): Promise<ComposeProject> {
    if (!name.startsWith(PROJECT_PREFIX)) throw new Error(`project names start with ${PROJECT_PREFIX}`);
    return new ComposeProject(name, await composeCommand(), files, env);
  }

  /** Runs a compose subcommand against this project. */
  run(...args: string[]): Promise<Run> {
    const fileArgs = this.files.flatMap((f) => ["-f", path.resolve(ROOT, f)]);
    // The project directory is the repository (relative paths in the file, e.g. ./deploy/haproxy).
    return run(this.compose.file, [...this.compose.args, "-p", this.name, "--project-directory", ROOT, ...fileArgs, ...args], {
      env: this.env,
      timeoutMs: 300_000,
    });
  }

  async check(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`compose ${args.join(" ")} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
    return r.stdout;
  }

  /** Starts the topology from the image already built (run.sh builds it with the engine's BuildKit). */
  async up(): Promise<void> {
    await this.check("up", "-d", "--no-build");
  }

  /** Removes containers, network and volumes; safe to call when nothing is up. */
  async down(): Promise<void> {
    await this.run("down", "-v", "--remove-orphans", "--timeout", "5");
  }

  async containerId(service: string): Promise<string> {
    const id = (await this.check("ps", "-q", service)).trim();
    if (!id) throw new Error(`no container for service ${service} in ${this.name}`);
    return id;
  }

  async state(service: string): Promise<ContainerState> {
    const id = await this.containerId(service);
    const out = await docker(
      "inspect",
      "-f",
      "{{json .State.Running}} {{json .State.ExitCode}} {{json .State.StartedAt}} {{json .HostConfig.ReadonlyRootfs}} {{json .Config.User}}",
      id,
    );
    const [running, exitCode, startedAt, readOnlyRoot, user] = out.trim().split(" ").map((x) => JSON.parse(x) as unknown);
    return { id, running: running as boolean, exitCode: exitCode as number, startedAt: startedAt as string, readOnlyRoot: readOnlyRoot as boolean, user: user as string };
  }

  /** `docker <verb>` on the service's container (kill, stop, start, restart). */
  async container(verb: "kill" | "stop" | "start" | "restart", service: string): Promise<void> {
    await docker(verb, await this.containerId(service));
  }

  async exec(service: string, ...cmd: string[]): Promise<Run> {
    return run(DOCKER, ["exec", await this.containerId(service), ...cmd]);
  }

  async logs(): Promise<string> {
    const r = await this.run("logs", "--no-color", "--tail", "200");
    return r.stdout + r.stderr;
  }
}

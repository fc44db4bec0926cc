/** Reads a Dockerfile into stages of instructions, and checks the image it describes. */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text
    .replace(/\\\r?\n(\s*#[^\n]*\n)*/g, " ") // line continuations, and comments inside them
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, " ").trim() };
    if (instruction.keyword === "FROM") {
      const [from = "", as, name] = instruction.args.replace(/--platform=\S+\s*/, "").split(" ");
      stages.push({ name: as?.toUpperCase() === "AS" ? name : undefined, from, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}

export interface ImageFacts {
  /** The command the image must run: `node` and the built server entry point. */
  command: readonly string[];
  port: number;
  healthPath: string;
}

function args(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The final stage's USER as a numeric uid, if it is one. */
export function imageUid(stages: readonly Stage[]): number | undefined {
  const user = args(stages[stages.length - 1] ?? { name: undefined, from: "", instructions: [] }, "USER").at(-1);
  const uid = user?.split(":")[0];
  return uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined;
}

export function dockerfileProblems(text: string, facts: ImageFacts): string[] {
  const stages = parseDockerfile(text);
  const problems: string[] = [];
  const final = stages[stages.length - 1];
  if (!final || stages.length < 2) return ["not a multi-stage build"];

  const user = args(final, "USER").at(-1);
  const uid = imageUid(stages);
  if (user === undefined) problems.push("final stage runs as root (no USER)");
  else if (uid === undefined) problems.push(`USER ${user} is not numeric, so Kubernetes cannot verify runAsNonRoot`);
  else if (uid === 0) problems.push("USER is root");

  const runs = args(final, "RUN").join(" && ");
  if (/\b(npm|yarn|pnpm)\s+(ci|install|i)\b/.test(runs)) problems.push("final stage installs packages; copy production node_modules from a build stage");
  if (/apt-get\s+install|apk\s+add/.test(runs)) problems.push("final stage installs system packages (the toolchain belongs in a build stage)");

  const modules = args(final, "COPY").find((a) => /\bnode_modules\b/.test(a));
  const source = modules ? /--from=(\S+)/.exec(modules)?.[1] : undefined;
  const sourceStage = stages.find((s) => s.name === source);
  const prodOnly = sourceStage && args(sourceStage, "RUN").some((r) => /npm (ci|install)\b.*--omit=dev|npm prune\b.*--omit=dev/.test(r));
  if (!prodOnly) problems.push("node_modules in the final stage must come from a stage that installs production dependencies only (npm ci --omit=dev)");

  const healthcheck = args(final, "HEALTHCHECK").at(-1);
  if (!healthcheck || /^NONE\b/i.test(healthcheck)) problems.push("no HEALTHCHECK");
  else if (!healthcheck.includes(facts.healthPath)) problems.push(`HEALTHCHECK does not request the app's health path ${facts.healthPath}`);

  const exposed = args(final, "EXPOSE").flatMap((a) => a.split(" ")).map((p) => Number(p.split("/")[0]));
  if (!exposed.includes(facts.port)) problems.push(`EXPOSE does not include ${facts.port}`);
  const portEnv = args(final, "ENV").map((a) => /(?:^|\s)PORT=(\S+)/.exec(a)?.[1]).find((v) => v !== undefined);
  if (portEnv !== undefined && portEnv !== String(facts.port)) problems.push(`ENV PORT=${portEnv}, the app's port is ${facts.port}`);

  const cmd = args(final, "CMD").at(-1);
  let command: unknown;
  try {
    command = cmd === undefined ? undefined : JSON.parse(cmd);
  } catch {
    command = undefined;
  }
  if (!Array.isArray(command)) problems.push("CMD must be in exec form (a JSON array) so node gets SIGTERM directly");
  else if (JSON.stringify(command) !== JSON.stringify(facts.command)) problems.push(`CMD ${cmd} is not ${JSON.stringify(facts.command)}`);
  return problems;
}

export function dockerignoreProblems(text: string, required: readonly string[]): string[] {
  const entries = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\/|\/$/g, "")));
  return required.filter((r) => !entries.has(r)).map((r) => `.dockerignore does not exclude ${r}`);
}

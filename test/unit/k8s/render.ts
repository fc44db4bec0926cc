/** Renders a kustomization with the kustomize built into kubectl, offline, and parses the YAML stream. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { isPlainObject, type Manifest } from "./manifest.js";

export const K8S_DIR = fileURLToPath(new URL("../../../deploy/k8s/", import.meta.url));

const KUBECTL = process.env.KUBECTL ?? "kubectl";

/** Throws an error that says what to install when kubectl is missing or unusable. */
export function kubectlClientVersion(): string {
  try {
    return execFileSync(KUBECTL, ["version", "--client"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 }).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? `"${KUBECTL}" was not found on PATH` : `"${KUBECTL} version --client" failed: ${(error as Error).message}`;
    throw new Error(
      `${why}. The manifest tests render deploy/k8s with \`kubectl kustomize\` (kustomize is built into kubectl >= 1.14; ` +
        "install kubectl, or point the KUBECTL environment variable at one).",
    );
  }
}

/** `kubectl kustomize <dir>` (dir relative to deploy/k8s), parsed into plain objects. */
export function renderKustomization(dir: string): Manifest[] {
  let out: string;
  try {
    out = execFileSync(KUBECTL, ["kustomize", K8S_DIR + dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? "").trim();
    throw new Error(`kubectl kustomize deploy/k8s/${dir} failed: ${stderr || (error as Error).message}`);
  }
  return parseManifests(out, `deploy/k8s/${dir}`);
}

export function parseManifests(text: string, source: string): Manifest[] {
  const objects: Manifest[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) throw new Error(`${source}: YAML document ${i}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string" || !isPlainObject(value.metadata)) {
      throw new Error(`${source}: YAML document ${i} is not a Kubernetes object (apiVersion, kind and metadata are required)`);
    }
    objects.push(value as Manifest);
  }
  return objects;
}

/** The shape every rendered Kubernetes object shares, and small accessors over a rendered set. */

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** `Kind/name`, the way problems name an object. */
export function ref(obj: Manifest): string {
  return `${obj.kind}/${obj.metadata?.name ?? "<unnamed>"}`;
}

export function ofKind<T = Manifest>(objects: readonly Manifest[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as unknown as T[];
}

export function named<T = Manifest>(objects: readonly Manifest[], kind: string, name: string): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name) as unknown as T | undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Structural schemas for the custom resources that kubernetes-models and @kubernetes-models/istio
 * do not cover: Prometheus Operator's PodMonitor and Traefik's IngressRoute.
 *
 * Each is a subset transcribed from the project's CRD (prometheus-operator
 * example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml, v0.9x; traefik
 * docs/content/reference/dynamic-configuration/traefik.io_ingressroutes.yaml, v3.3), with the
 * CRD's names, types, enums and required lists. Fields outside the subset are reported as unknown,
 * so using a new CRD field means adding it here, from the CRD, on purpose.
 */
import { isPlainObject } from "./manifest.js";

export type Shape =
  | { type: "string"; enum?: readonly string[]; pattern?: RegExp }
  | { type: "integer"; minimum?: number; maximum?: number }
  | { type: "boolean" }
  | { type: "int-or-string" }
  | { type: "array"; items: Shape }
  | { type: "object"; properties?: Readonly<Record<string, Shape>>; required?: readonly string[]; additionalProperties?: Shape };

const string: Shape = { type: "string" };
const boolean: Shape = { type: "boolean" };
const integer: Shape = { type: "integer" };
const stringMap: Shape = { type: "object", additionalProperties: string };
const strings: Shape = { type: "array", items: string };
const object = (properties: Record<string, Shape>, required: readonly string[] = []): Shape => ({ type: "object", properties, required });

/** Prometheus duration, as the CRD's pattern has it. */
const duration: Shape = {
  type: "string",
  pattern: /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/,
};

const objectMeta = object({
  name: string,
  namespace: string,
  labels: stringMap,
  annotations: stringMap,
});

const labelSelector = object({
  matchLabels: stringMap,
  matchExpressions: {
    type: "array",
    items: object({ key: string, operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: strings }, ["key", "operator"]),
  },
});

const secretKeySelector = object({ name: string, key: string, optional: boolean }, ["key"]);

const relabelConfig = object({
  action: string,
  sourceLabels: strings,
  separator: string,
  targetLabel: string,
  regex: string,
  modulus: integer,
  replacement: string,
});

const podMetricsEndpoint = object({
  port: string,
  portNumber: { type: "integer", minimum: 1, maximum: 65535 },
  path: string,
  scheme: { type: "string", enum: ["http", "https", "HTTP", "HTTPS"] },
  params: { type: "object", additionalProperties: strings },
  interval: duration,
  scrapeTimeout: duration,
  honorLabels: boolean,
  honorTimestamps: boolean,
  enableHttp2: boolean,
  followRedirects: boolean,
  filterRunning: boolean,
  authorization: object({ type: string, credentials: secretKeySelector }),
  relabelings: { type: "array", items: relabelConfig },
  metricRelabelings: { type: "array", items: relabelConfig },
});

const podMonitor: Shape = object(
  {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: object(
      {
        selector: labelSelector,
        namespaceSelector: object({ any: boolean, matchNames: strings }),
        podMetricsEndpoints: { type: "array", items: podMetricsEndpoint },
        jobLabel: string,
        podTargetLabels: strings,
        sampleLimit: integer,
        targetLimit: integer,
      },
      ["selector"],
    ),
  },
  ["spec"],
);

const traefikService = object(
  {
    name: string,
    namespace: string,
    kind: { type: "string", enum: ["Service", "TraefikService"] },
    port: { type: "int-or-string" },
    scheme: string,
    strategy: string,
    weight: integer,
    passHostHeader: boolean,
    nativeLB: boolean,
    nodePortLB: boolean,
    serversTransport: string,
    responseForwarding: object({ flushInterval: string }),
    sticky: object({
      cookie: object({ name: string, secure: boolean, httpOnly: boolean, sameSite: string, maxAge: integer, path: string }),
    }),
  },
  ["name"],
);

const ingressRoute: Shape = object(
  {
    apiVersion: string,
    kind: string,
    metadata: objectMeta,
    spec: object(
      {
        entryPoints: strings,
        routes: {
          type: "array",
          items: object(
            {
              kind: { type: "string", enum: ["Rule"] },
              match: string,
              priority: integer,
              syntax: string,
              middlewares: { type: "array", items: object({ name: string, namespace: string }, ["name"]) },
              observability: object({ accessLogs: boolean, metrics: boolean, tracing: boolean }),
              services: { type: "array", items: traefikService },
            },
            ["match"],
          ),
        },
        tls: object({
          secretName: string,
          certResolver: string,
          options: object({ name: string, namespace: string }, ["name"]),
          store: object({ name: string, namespace: string }, ["name"]),
          domains: { type: "array", items: object({ main: string, sans: strings }) },
        }),
      },
      ["routes"],
    ),
  },
  ["metadata", "spec"],
);

export const CRD_SHAPES: Readonly<Record<string, Shape>> = {
  "monitoring.coreos.com/v1/PodMonitor": podMonitor,
  "traefik.io/v1alpha1/IngressRoute": ingressRoute,
};

/** Problems of `value` against `shape`, each prefixed with its path. Empty when it fits. */
export function shapeProblems(value: unknown, shape: Shape, path = ""): string[] {
  const at = path === "" ? "(root)" : path.replace(/^\./, "");
  switch (shape.type) {
    case "string":
      if (typeof value !== "string") return [`${at}: must be a string`];
      if (shape.enum && !shape.enum.includes(value)) return [`${at}: must be one of ${shape.enum.join(", ")}`];
      if (shape.pattern && !shape.pattern.test(value)) return [`${at}: must match ${shape.pattern.source}`];
      return [];
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return [`${at}: must be an integer`];
      if (shape.minimum !== undefined && value < shape.minimum) return [`${at}: must be >= ${shape.minimum}`];
      if (shape.maximum !== undefined && value > shape.maximum) return [`${at}: must be <= ${shape.maximum}`];
      return [];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: must be a boolean`];
    case "int-or-string":
      return typeof value === "string" || (typeof value === "number" && Number.isInteger(value)) ? [] : [`${at}: must be an integer or a string`];
    case "array":
      if (!Array.isArray(value)) return [`${at}: must be an array`];
      return value.flatMap((item, i) => shapeProblems(item, shape.items, `${path}[${i}]`));
    case "object": {
      if (!isPlainObject(value)) return [`${at}: must be an object`];
      const problems: string[] = [];
      for (const key of shape.required ?? []) {
        if (value[key] === undefined) problems.push(`${at}: missing required field ${key}`);
      }
      for (const [key, child] of Object.entries(value)) {
        const childShape = shape.properties?.[key] ?? shape.additionalProperties;
        if (!childShape) problems.push(`${path}.${key}`.replace(/^\./, "") + ": unknown field (not in the schema)");
        else problems.push(...shapeProblems(child, childShape, `${path}.${key}`));
      }
      return problems;
    }
  }
}

/**
 * What the schemas cannot see: whether the rendered objects fit together and fit the app.
 * Each check takes the objects of one rendered overlay and returns its problems (empty when fine),
 * each naming the object it is about.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IService } from "kubernetes-models/v1/Service";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import { parse as parseYaml } from "yaml";
import { isPlainObject, named, ofKind, ref, type Manifest } from "./manifest.js";

// ---------------------------------------------------------------------------------------------
// Small parsers

/** A Go/Istio duration ("20s", "1m30s", "500ms") in seconds; NaN when it is not one. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
  if (text === "0") return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return Number.NaN;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (units[unit]), 0);
}

/** A Kubernetes quantity ("100m", "1", "512Mi", "1Gi") as a plain number; NaN when it is not one. */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value);
  if (!match) return Number.NaN;
  const factor: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] ? (factor[match[2]]) : 1);
}

// ---------------------------------------------------------------------------------------------
// Workloads, pods and selectors

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface Workload {
  obj: Manifest;
  template: IPodTemplateSpec;
}

export function workloads(objects: readonly Manifest[]): Workload[] {
  return objects
    .filter((o) => (o.kind === "Deployment" || o.kind === "StatefulSet") && o.apiVersion === "apps/v1")
    .map((obj) => ({ obj, template: ((obj as unknown as IDeployment | IStatefulSet).spec?.template ?? {}) }));
}

function containersOf(w: Workload): IContainer[] {
  return w.template.spec?.containers ?? [];
}

/** Whether a (non-empty) label selector selects these labels. An empty selector counts as a mistake here. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined = {}): boolean {
  const matchLabels = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return false;
  return (
    matchLabels.every(([k, v]) => labels[k] === v) &&
    expressions.every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case "In":
          return has && values.includes(labels[key]);
        case "NotIn":
          return !has || !values.includes(labels[key]);
        case "Exists":
          return has;
        case "DoesNotExist":
          return !has;
        default:
          return false;
      }
    })
  );
}

function selected(objects: readonly Manifest[], selector: LabelSelector | undefined): Workload[] {
  return workloads(objects).filter((w) => selects(selector, w.template.metadata?.labels));
}

/** The container port a Service targetPort, probe port or PodMonitor port names or numbers, if any. */
function containerPort(w: Workload, port: string | number) {
  for (const c of containersOf(w)) {
    const found = (c.ports ?? []).find((p) => (typeof port === "string" ? p.name === port : p.containerPort === port));
    if (found) return { container: c, port: found };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Every namespaced object lives in `namespace`, which the set itself creates. */
export function checkNamespace(objects: readonly Manifest[], namespace: string): string[] {
  const problems: string[] = [];
  if (!named(objects, "Namespace", namespace)) problems.push(`Namespace/${namespace}: missing`);
  for (const o of objects) {
    if (o.kind !== "Namespace" && o.metadata.namespace !== namespace) {
      problems.push(`${ref(o)}: in namespace ${o.metadata.namespace ?? "<none>"}, expected ${namespace}`);
    }
  }
  return problems;
}

/** Selectors of Deployments and StatefulSets match their own pod template, and mounts have volumes. */
export function checkWorkloads(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const spec = (w.obj as unknown as IDeployment | IStatefulSet).spec;
    const labels = w.template.metadata?.labels;
    if (!selects(spec?.selector, labels)) problems.push(`${ref(w.obj)}: spec.selector does not match the pod template's labels`);
    for (const [i, c] of (w.template.spec?.topologySpreadConstraints ?? []).entries()) {
      if (!selects(c.labelSelector, labels)) problems.push(`${ref(w.obj)}: topologySpreadConstraints[${i}].labelSelector does not select its own pods`);
    }
    const volumes = new Set([
      ...(w.template.spec?.volumes ?? []).map((v) => v.name),
      ...((w.obj as unknown as IStatefulSet).spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name),
    ]);
    for (const c of containersOf(w)) {
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) problems.push(`${ref(w.obj)}: container ${c.name} mounts volume ${m.name}, which is not declared`);
      }
    }
    if (w.obj.kind === "StatefulSet") {
      const serviceName = (w.obj as unknown as IStatefulSet).spec?.serviceName;
      const governing = serviceName ? named<IService & Manifest>(objects, "Service", serviceName) : undefined;
      if (!governing) problems.push(`${ref(w.obj)}: spec.serviceName ${serviceName ?? "<unset>"} is not a Service of this set`);
      else if (governing.spec?.clusterIP !== "None") problems.push(`${ref(w.obj)}: governing Service ${serviceName} must be headless (clusterIP: None)`);
    }
  }
  return problems;
}

/** Istio picks a port's protocol from its name prefix (or appProtocol). */
const ISTIO_PROTOCOLS = ["http", "http2", "https", "grpc", "grpc-web", "tcp", "tls", "udp", "mongo", "mysql", "redis"];

/** Services select pods, their target ports exist on those pods, and Istio can tell their protocol. */
export function checkServices(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const svc of ofKind<IService & Manifest>(objects, "Service")) {
    const pods = selected(objects, { matchLabels: svc.spec?.selector });
    if (pods.length === 0) {
      problems.push(`${ref(svc)}: selector ${JSON.stringify(svc.spec?.selector ?? {})} selects no pods of this set`);
      continue;
    }
    if (svc.spec?.sessionAffinity === "ClientIP") problems.push(`${ref(svc)}: sessionAffinity ClientIP fights the ingress's affinity; use None`);
    for (const port of svc.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      for (const w of pods) {
        const found = containerPort(w, target);
        if (!found) problems.push(`${ref(svc)}: port ${port.name ?? port.port} targets ${target}, which no container of ${ref(w.obj)} exposes`);
        else if ((found.port.protocol ?? "TCP") !== (port.protocol ?? "TCP")) problems.push(`${ref(svc)}: port ${port.name ?? port.port} protocol differs from the container port's`);
      }
      const protocol = port.appProtocol ?? (port.name ?? "").replace(/-.*$/, "");
      if (!ISTIO_PROTOCOLS.includes(protocol)) {
        problems.push(`${ref(svc)}: port ${port.name ?? port.port} is neither named <protocol>[-suffix] nor has appProtocol, so Istio cannot select its protocol`);
      }
    }
  }
  return problems;
}

/** PodDisruptionBudgets, autoscalers and network policies point at pods and workloads that exist. */
export function checkPolicies(objects: readonly Manifest[], minReplicas: number): string[] {
  const problems: string[] = [];
  for (const hpa of ofKind<IHorizontalPodAutoscaler & Manifest>(objects, "HorizontalPodAutoscaler")) {
    const target = hpa.spec?.scaleTargetRef;
    const deployment = target ? named<IDeployment & Manifest>(objects, target.kind, target.name) : undefined;
    if (!deployment || target?.apiVersion !== deployment.apiVersion) {
      problems.push(`${ref(hpa)}: scaleTargetRef ${JSON.stringify(target)} is not a workload of this set`);
      continue;
    }
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? 0;
    if (min < minReplicas) problems.push(`${ref(hpa)}: minReplicas ${min} < ${minReplicas}`);
    if (max < min) problems.push(`${ref(hpa)}: maxReplicas ${max} < minReplicas ${min}`);
    const replicas = deployment.spec?.replicas ?? 1;
    if (replicas < min || replicas > max) problems.push(`${ref(deployment)}: replicas ${replicas} outside the autoscaler's ${min}..${max}`);
    const containers = new Set((deployment.spec?.template.spec?.containers ?? []).map((c) => c.name));
    for (const m of hpa.spec?.metrics ?? []) {
      if (m.type === "ContainerResource" && !containers.has(m.containerResource?.container ?? "")) {
        problems.push(`${ref(hpa)}: metric on container ${m.containerResource?.container}, which ${ref(deployment)} does not have`);
      }
    }
    for (const pdb of ofKind<IPodDisruptionBudget & Manifest>(objects, "PodDisruptionBudget")) {
      if (!selects(pdb.spec?.selector, deployment.spec?.template.metadata?.labels)) continue;
      const { maxUnavailable, minAvailable } = pdb.spec ?? {};
      const blocks =
        (typeof maxUnavailable === "number" && maxUnavailable < 1) ||
        (typeof minAvailable === "number" && minAvailable >= min) ||
        maxUnavailable === "0%" ||
        minAvailable === "100%";
      if (blocks) problems.push(`${ref(pdb)}: allows no voluntary disruption at ${min} replicas, so node drains would hang`);
    }
  }
  for (const pdb of ofKind<IPodDisruptionBudget & Manifest>(objects, "PodDisruptionBudget")) {
    if (selected(objects, pdb.spec?.selector).length === 0) problems.push(`${ref(pdb)}: selector selects no pods of this set`);
  }
  for (const np of ofKind<INetworkPolicy & Manifest>(objects, "NetworkPolicy")) {
    const targets = selected(objects, np.spec?.podSelector);
    if (targets.length === 0) problems.push(`${ref(np)}: podSelector selects no pods of this set`);
    for (const rule of np.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && selected(objects, peer.podSelector).length === 0) problems.push(`${ref(np)}: a from.podSelector selects no pods of this set`);
      }
      for (const p of rule.ports ?? []) {
        for (const w of targets) {
          if (p.port !== undefined && !containerPort(w, p.port)) problems.push(`${ref(np)}: port ${p.port} is not a container port of ${ref(w.obj)}`);
        }
      }
    }
  }
  return problems;
}

function probePath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path;
}

export interface AppFacts {
  deployment: string;
  container: string;
  port: number;
  healthPath: string;
  readyPath: string;
  redisService: string;
}

/** The app's container: its port, probes on the app's real routes, and the environment it needs. */
export function checkAppContainer(objects: readonly Manifest[], app: AppFacts): string[] {
  const deployment = named<IDeployment & Manifest>(objects, "Deployment", app.deployment);
  const container = deployment?.spec?.template.spec?.containers.find((c) => c.name === app.container);
  if (!deployment || !container) return [`Deployment/${app.deployment}: missing, or without container ${app.container}`];
  const at = `${ref(deployment)} container ${container.name}`;
  const problems: string[] = [];
  const w: Workload = { obj: deployment, template: deployment.spec?.template as IPodTemplateSpec };

  const http = (container.ports ?? []).find((p) => p.name === "http");
  if (http?.containerPort !== app.port) problems.push(`${at}: needs a port named http on ${app.port}, found ${JSON.stringify(container.ports ?? [])}`);

  const expectations: Array<[string, IProbe | undefined, string, boolean]> = [
    ["readinessProbe", container.readinessProbe, app.readyPath, true],
    ["livenessProbe", container.livenessProbe, app.healthPath, true],
    ["startupProbe", container.startupProbe, app.healthPath, false],
  ];
  for (const [field, probe, path, required] of expectations) {
    if (!probe) {
      if (required) problems.push(`${at}: ${field} missing`);
      continue;
    }
    if (probePath(probe) !== path) problems.push(`${at}: ${field} requests ${probePath(probe) ?? "<no httpGet>"}, the app serves it on ${path}`);
    const port = probe.httpGet?.port;
    if (port === undefined || containerPort(w, port)?.port.containerPort !== app.port) problems.push(`${at}: ${field} port ${port} is not the app's port ${app.port}`);
  }

  const env = new Map((container.env ?? []).map((e) => [e.name, e]));
  const portEnv = env.get("PORT")?.value;
  if (portEnv !== undefined && portEnv !== String(app.port)) problems.push(`${at}: PORT=${portEnv} but the container port is ${app.port}`);
  if (env.get("NODE_ID")?.valueFrom?.fieldRef?.fieldPath !== "metadata.name") problems.push(`${at}: NODE_ID must come from the pod name (fieldRef metadata.name)`);

  const redisUrl = env.get("REDIS_URL")?.value;
  if (!redisUrl) problems.push(`${at}: REDIS_URL missing (cluster mode needs it)`);
  else {
    const url = new URL(redisUrl);
    const namespace = deployment.metadata.namespace;
    const hosts = [app.redisService, `${app.redisService}.${namespace}`, `${app.redisService}.${namespace}.svc`, `${app.redisService}.${namespace}.svc.cluster.local`];
    const svc = named<IService & Manifest>(objects, "Service", app.redisService);
    const port = Number(url.port || 6379);
    if (url.protocol !== "redis:" || !hosts.includes(url.hostname)) problems.push(`${at}: REDIS_URL ${redisUrl} does not name Service ${app.redisService}`);
    else if (!svc?.spec?.ports?.some((p) => p.port === port)) problems.push(`${at}: REDIS_URL port ${port} is not a port of Service ${app.redisService}`);
  }
  return problems;
}

export interface DrainFacts {
  deployment: string;
  /** How long the app keeps serving after SIGTERM (DRAIN_SECONDS). */
  drainSeconds: number;
  /** How long it may then take to close and exit. */
  closeSeconds: number;
  /** Whether the pod runs an Istio sidecar whose drain must cover the app's. */
  sidecar: boolean;
}

const PROXY_CONFIG = "proxy.istio.io/config";

/** The pod's grace period (and the sidecar's drain, under Istio) cover preStop + the app's drain. */
export function checkDrain(objects: readonly Manifest[], facts: DrainFacts): string[] {
  const deployment = named<IDeployment & Manifest>(objects, "Deployment", facts.deployment);
  const pod = deployment?.spec?.template;
  if (!deployment || !pod?.spec) return [`Deployment/${facts.deployment}: missing`];
  const problems: string[] = [];
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  for (const c of pod.spec.containers) {
    const preStop = c.lifecycle?.preStop;
    const command = preStop?.exec?.command?.join(" ") ?? "";
    const preStopSeconds = preStop?.sleep?.seconds ?? Number(/(?:^|\s)sleep\s+(\d+)\s*$/.exec(command)?.[1] ?? 0);
    if (preStopSeconds < 1) problems.push(`${ref(deployment)} container ${c.name}: needs a preStop sleep so endpoints are removed before the app drains`);
    // The app lets DRAIN_SECONDS in its environment override the built-in drain.
    const drainEnv = c.env?.find((e) => e.name === "DRAIN_SECONDS")?.value;
    const drainSeconds = drainEnv === undefined ? facts.drainSeconds : Number(drainEnv);
    const needed = preStopSeconds + drainSeconds + facts.closeSeconds;
    if (!(grace >= needed)) {
      problems.push(`${ref(deployment)}: terminationGracePeriodSeconds ${grace} < preStop ${preStopSeconds} + drain ${drainSeconds} + close ${facts.closeSeconds} = ${needed}`);
    }
    if (!facts.sidecar) continue;
    const raw = pod.metadata?.annotations?.[PROXY_CONFIG];
    const config: unknown = raw === undefined ? undefined : parseYaml(raw);
    const drain = isPlainObject(config) ? config.terminationDrainDuration : undefined;
    if (typeof drain !== "string") {
      problems.push(`${ref(deployment)}: pod annotation ${PROXY_CONFIG} must set terminationDrainDuration (the default 5s cuts websockets before the app drains)`);
      continue;
    }
    const seconds = parseDuration(drain);
    if (!(seconds >= needed)) problems.push(`${ref(deployment)}: sidecar terminationDrainDuration ${drain} ends before the app is done (${needed}s after deletion)`);
    if (!(seconds <= grace)) problems.push(`${ref(deployment)}: sidecar terminationDrainDuration ${drain} exceeds terminationGracePeriodSeconds ${grace}`);
  }
  return problems;
}

/** Non-root, read-only root filesystem, no privilege escalation, bounded resources: for every container. */
export function checkSecurity(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const podSecurity = w.template.spec?.securityContext;
    for (const c of containersOf(w)) {
      const at = `${ref(w.obj)} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? podSecurity?.runAsNonRoot)) problems.push(`${at}: runAsNonRoot not set`);
      if ((sc.runAsUser ?? podSecurity?.runAsUser) === 0) problems.push(`${at}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem not read-only`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation not false`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: capabilities not dropped (drop: [ALL])`);
      if (!c.image || !/:[^/]+$|@sha256:/.test(c.image) || c.image.endsWith(":latest")) problems.push(`${at}: image ${c.image} needs a pinned tag or digest`);
      for (const resource of ["cpu", "memory"]) {
        const request = c.resources?.requests?.[resource];
        const limit = c.resources?.limits?.[resource];
        if (request === undefined || limit === undefined) problems.push(`${at}: needs both a request and a limit for ${resource}`);
        else if (!(parseQuantity(limit) >= parseQuantity(request))) problems.push(`${at}: ${resource} limit ${limit} below request ${request}`);
      }
    }
  }
  return problems;
}

/** Redis: version 7 or later, AOF persistence onto the claimed volume, no eviction of board data. */
export function checkRedis(objects: readonly Manifest[], name: string): string[] {
  const sts = named<IStatefulSet & Manifest>(objects, "StatefulSet", name);
  const container = sts?.spec?.template.spec?.containers[0];
  if (!sts || !container) return [`StatefulSet/${name}: missing`];
  const problems: string[] = [];
  const major = Number(/^(?:.*\/)?redis:(\d+)/.exec(container.image ?? "")?.[1]);
  if (!(major >= 7)) problems.push(`${ref(sts)}: image ${container.image} is not Redis >= 7`);
  const args = [...(container.command ?? []), ...(container.args ?? [])];
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (option("--appendonly") !== "yes") problems.push(`${ref(sts)}: AOF persistence off (--appendonly yes)`);
  if (option("--maxmemory-policy") !== "noeviction") problems.push(`${ref(sts)}: board state must not be evicted (--maxmemory-policy noeviction)`);
  const dir = option("--dir");
  const claims = new Set((sts.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name));
  const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === dir);
  if (!dir || !mount || !claims.has(mount.name)) problems.push(`${ref(sts)}: --dir ${dir ?? "<unset>"} is not a mounted PersistentVolumeClaim`);
  return problems;
}

function serviceFqdn(svc: Manifest): string {
  return `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
}

function serviceByFqdn(objects: readonly Manifest[], host: string): (IService & Manifest) | undefined {
  return ofKind<IService & Manifest>(objects, "Service").find((s) => serviceFqdn(s) === host);
}

function isHttpPort(port: { name?: string; appProtocol?: string }): boolean {
  return (port.appProtocol ?? (port.name ?? "").replace(/-.*$/, "")) === "http";
}

/** Which request attribute the DestinationRule must hash on. */
export type Affinity = { cookie: string } | { queryParameter: string };

/**
 * Istio wiring: injection on, VirtualService through an existing Gateway to an existing Service
 * (by FQDN, on an HTTP port), and a DestinationRule on that same Service hashing on what the app
 * expects the balancer to use.
 */
export function checkIstio(objects: readonly Manifest[], affinity: Affinity): string[] {
  const problems: string[] = [];
  for (const ns of ofKind(objects, "Namespace")) {
    if (ns.metadata.labels?.["istio-injection"] !== "enabled") problems.push(`${ref(ns)}: not labelled istio-injection: enabled`);
  }
  const gateways = ofKind<IGateway & Manifest>(objects, "Gateway");
  for (const gw of gateways) {
    if (Object.keys(gw.spec?.selector ?? {}).length === 0) problems.push(`${ref(gw)}: no selector, so no gateway deployment serves it`);
  }
  const routedHosts = new Set<string>();
  const vss = ofKind<IVirtualService & Manifest>(objects, "VirtualService");
  if (vss.length === 0) problems.push("no VirtualService");
  for (const vs of vss) {
    const own = (vs.spec?.gateways ?? []).map((g) => {
      const [ns, name] = g.includes("/") ? g.split("/") : [vs.metadata.namespace, g];
      return gateways.find((gw) => gw.metadata.name === name && gw.metadata.namespace === ns);
    });
    if (own.length === 0 || own.some((g) => g === undefined)) problems.push(`${ref(vs)}: gateways ${JSON.stringify(vs.spec?.gateways)} are not Gateways of this set`);
    const servers = own.flatMap((g) => g?.spec?.servers ?? []);
    const serverHosts = servers.flatMap((s) => s.hosts.map((h) => h.replace(/^[^/]*\//, "")));
    for (const host of vs.spec?.hosts ?? []) {
      if (!serverHosts.includes(host) && !serverHosts.includes("*")) problems.push(`${ref(vs)}: host ${host} is not served by its gateways (${serverHosts.join(", ")})`);
    }
    for (const [i, route] of (vs.spec?.http ?? []).entries()) {
      for (const m of route.match ?? []) {
        if (m.port !== undefined && !servers.some((s) => s.port.number === m.port)) problems.push(`${ref(vs)}: http[${i}] matches port ${m.port}, on which no gateway server listens`);
      }
      for (const { destination } of route.route ?? []) {
        routedHosts.add(destination.host);
        const svc = serviceByFqdn(objects, destination.host);
        if (!svc) {
          problems.push(`${ref(vs)}: http[${i}] routes to ${destination.host}, not the FQDN of a Service of this set`);
          continue;
        }
        const port = (svc.spec?.ports ?? []).find((p) => p.port === destination.port?.number);
        if (!port) problems.push(`${ref(vs)}: http[${i}] routes to port ${destination.port?.number}, which ${ref(svc)} does not have`);
        else if (!isHttpPort(port)) problems.push(`${ref(vs)}: http[${i}] routes to ${ref(svc)} port ${port.name}, which Istio does not treat as HTTP`);
      }
    }
  }
  const drs = ofKind<IDestinationRule & Manifest>(objects, "DestinationRule");
  if (drs.length === 0) problems.push("no DestinationRule");
  for (const dr of drs) {
    const host = dr.spec?.host ?? "";
    if (!serviceByFqdn(objects, host)) problems.push(`${ref(dr)}: host ${host} is not the FQDN of a Service of this set`);
    if (!routedHosts.has(host)) problems.push(`${ref(dr)}: host ${host} is not what the VirtualService routes to, so its load balancer never applies`);
    const hash = dr.spec?.trafficPolicy?.loadBalancer?.consistentHash;
    if ("cookie" in affinity) {
      const cookie = hash?.httpCookie;
      if (cookie?.name !== affinity.cookie) problems.push(`${ref(dr)}: hashes on ${JSON.stringify(hash)}, expected the cookie ${affinity.cookie}`);
      if (cookie?.ttl === undefined) problems.push(`${ref(dr)}: httpCookie without ttl: Envoy then never creates the cookie and requests spread at random`);
      if (cookie?.path !== "/") problems.push(`${ref(dr)}: httpCookie path must be "/" or the browser scopes the cookie to the page's directory`);
    } else if (hash?.httpQueryParameterName !== affinity.queryParameter) {
      problems.push(`${ref(dr)}: hashes on ${JSON.stringify(hash)}, expected the query parameter ${affinity.queryParameter}`);
    }
  }
  return problems;
}

/** Without a mesh, nothing may ask for sidecar injection or proxy configuration. */
export function checkNoIstio(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.apiVersion.includes("istio.io/")) problems.push(`${ref(o)}: Istio object in a mesh-less overlay`);
    if (o.metadata.labels?.["istio-injection"] === "enabled") problems.push(`${ref(o)}: istio-injection enabled in a mesh-less overlay`);
  }
  return problems;
}

function servicePortExists(objects: readonly Manifest[], name: string | undefined, port: string | number | undefined): boolean {
  const svc = name ? named<IService & Manifest>(objects, "Service", name) : undefined;
  return (svc?.spec?.ports ?? []).some((p) => (typeof port === "string" ? p.name === port : p.port === port));
}

interface IngressRouteLike {
  spec?: { routes?: Array<{ match?: string; services?: Array<{ name?: string; kind?: string; port?: string | number; sticky?: { cookie?: { name?: string } } }> }> };
}

/** Traefik: routes to an existing Service port, sticky on the balancer's cookie. */
export function checkTraefik(objects: readonly Manifest[], cookie: string): string[] {
  const problems: string[] = [];
  const routes = ofKind<IngressRouteLike & Manifest>(objects, "IngressRoute");
  if (routes.length === 0) problems.push("no IngressRoute");
  for (const ir of routes) {
    for (const [i, route] of (ir.spec?.routes ?? []).entries()) {
      if (!/Host\(`[^`]+`\)/.test(route.match ?? "")) problems.push(`${ref(ir)}: routes[${i}] does not match on a Host`);
      for (const s of route.services ?? []) {
        if ((s.kind ?? "Service") === "Service" && !servicePortExists(objects, s.name, s.port)) problems.push(`${ref(ir)}: routes[${i}] service ${s.name}:${s.port} is not a Service port of this set`);
        if (s.sticky?.cookie?.name !== cookie) problems.push(`${ref(ir)}: routes[${i}] service ${s.name} sticky cookie is ${s.sticky?.cookie?.name ?? "<none>"}, expected ${cookie}`);
      }
    }
  }
  return problems;
}

/** ingress-nginx: routes to an existing Service port, cookie affinity on the balancer's cookie. */
export function checkIngressNginx(objects: readonly Manifest[], cookie: string): string[] {
  const problems: string[] = [];
  const ingresses = ofKind<IIngress & Manifest>(objects, "Ingress");
  if (ingresses.length === 0) problems.push("no Ingress");
  for (const ing of ingresses) {
    const a = ing.metadata.annotations ?? {};
    if (a["nginx.ingress.kubernetes.io/affinity"] !== "cookie") problems.push(`${ref(ing)}: affinity annotation is not cookie`);
    if (a["nginx.ingress.kubernetes.io/session-cookie-name"] !== cookie) problems.push(`${ref(ing)}: session-cookie-name is not ${cookie}`);
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const svc = path.backend.service;
        if (!servicePortExists(objects, svc?.name, svc?.port?.name ?? svc?.port?.number)) problems.push(`${ref(ing)}: backend ${svc?.name} is not a Service port of this set`);
      }
    }
  }
  return problems;
}

interface PodMonitorLike {
  spec?: { selector?: LabelSelector; podMetricsEndpoints?: Array<{ port?: string; portNumber?: number; path?: string }> };
}

/** The PodMonitor scrapes the app's pods on an existing port and on the app's metrics path. */
export function checkPodMonitors(objects: readonly Manifest[], metricsPath: string): string[] {
  const problems: string[] = [];
  const monitors = ofKind<PodMonitorLike & Manifest>(objects, "PodMonitor");
  if (monitors.length === 0) problems.push("no PodMonitor");
  for (const pm of monitors) {
    const pods = selected(objects, pm.spec?.selector);
    if (pods.length === 0) problems.push(`${ref(pm)}: selector selects no pods of this set`);
    const endpoints = pm.spec?.podMetricsEndpoints ?? [];
    if (endpoints.length === 0) problems.push(`${ref(pm)}: no podMetricsEndpoints`);
    for (const [i, ep] of endpoints.entries()) {
      const port = ep.port ?? ep.portNumber;
      for (const w of pods) {
        if (port === undefined || !containerPort(w, port)) problems.push(`${ref(pm)}: podMetricsEndpoints[${i}] port ${port} is not a container port of ${ref(w.obj)}`);
      }
      if ((ep.path ?? "/metrics") !== metricsPath) problems.push(`${ref(pm)}: podMetricsEndpoints[${i}] scrapes ${ep.path}, the app serves ${metricsPath}`);
    }
  }
  return problems;
}

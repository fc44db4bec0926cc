/**
 * The Kubernetes deployment (deploy/k8s) and the image (Dockerfile), checked offline:
 * every overlay is rendered with `kubectl kustomize`, every object is validated against the
 * schemas shipped in kubernetes-models / @kubernetes-models/istio (plus unknown-field detection
 * the schemas lack), and the objects are checked against each other and against the app's facts.
 * The second half feeds deliberately broken objects to the same checks: they must object.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AFFINITY_COOKIE,
  BOARD_QUERY_PARAM,
  DEFAULT_PORT,
  DRAIN_SECONDS,
  HEALTH_PATH,
  METRICS_PATH,
  READY_PATH,
} from "../../src/shared/constants.js";
import {
  checkAppContainer,
  checkDrain,
  checkIngressNginx,
  checkIstio,
  checkNamespace,
  checkNoIstio,
  checkPodMonitors,
  checkPolicies,
  checkRedis,
  checkSecurity,
  checkServices,
  checkTraefik,
  checkWorkloads,
  parseDuration,
  parseQuantity,
  type Affinity,
} from "./k8s/checks.js";
import { dockerfileProblems, dockerignoreProblems, imageUid, parseDockerfile } from "./k8s/dockerfile.js";
import { named, type Manifest } from "./k8s/manifest.js";
import { kubectlClientVersion, renderKustomization } from "./k8s/render.js";
import { schemaProblems } from "./k8s/schemas.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// The seed's names (seed/000_6692905e058f02d9.txt), kept so its readers recognise every piece.
const NAMESPACE = "istio-wb-server";
const SEED = {
  deployment: "wb",
  service: "wb-svc",
  redis: "redis",
  gateway: "wb-gateway",
  virtualService: "istio-wb-vs",
  destinationRule: "wb-dr",
  host: "wb.example.com",
  /** The port the seed opens on istio-ingressgateway (its step 7). */
  gatewayPort: 3000,
  replicas: 3,
} as const;
const REDIS_PORT = 6379;

/**
 * After its drain the app needs "a few seconds" to close sockets and exit; the manifests budget 5.
 * (An app fact not yet in src/shared/constants.ts.)
 */
const APP_CLOSE_SECONDS = 5;

const APP = {
  deployment: SEED.deployment,
  container: "wb",
  port: DEFAULT_PORT,
  healthPath: HEALTH_PATH,
  readyPath: READY_PATH,
  redisService: SEED.redis,
};

interface Overlay {
  dir: string;
  ingress: "istio" | "traefik" | "ingress-nginx";
  affinity?: Affinity;
}

const OVERLAYS: readonly Overlay[] = [
  { dir: "overlays/istio", ingress: "istio", affinity: { cookie: AFFINITY_COOKIE } },
  { dir: "overlays/istio-board-affinity", ingress: "istio", affinity: { queryParameter: BOARD_QUERY_PARAM } },
  { dir: "overlays/traefik", ingress: "traefik" },
  { dir: "overlays/ingress-nginx", ingress: "ingress-nginx" },
];

/** Every check that applies whatever the ingress. */
function commonProblems(objects: readonly Manifest[], sidecar: boolean): string[] {
  return [
    ...checkNamespace(objects, NAMESPACE),
    ...checkWorkloads(objects),
    ...checkServices(objects),
    ...checkPolicies(objects, SEED.replicas),
    ...checkAppContainer(objects, APP),
    ...checkDrain(objects, { deployment: SEED.deployment, drainSeconds: DRAIN_SECONDS, closeSeconds: APP_CLOSE_SECONDS, sidecar }),
    ...checkSecurity(objects),
    ...checkRedis(objects, SEED.redis),
  ];
}

function ingressProblems(objects: readonly Manifest[], overlay: Overlay): string[] {
  switch (overlay.ingress) {
    case "istio":
      return checkIstio(objects, overlay.affinity ?? { cookie: AFFINITY_COOKIE });
    case "traefik":
      return [...checkNoIstio(objects), ...checkTraefik(objects, AFFINITY_COOKIE)];
    case "ingress-nginx":
      return [...checkNoIstio(objects), ...checkIngressNginx(objects, AFFINITY_COOKIE)];
  }
}

const rendered = new Map<string, Manifest[]>();
function objectsOf(dir: string): Manifest[] {
  const objects = rendered.get(dir);
  if (!objects) throw new Error(`deploy/k8s/${dir} was not rendered (see the first failure)`);
  return objects;
}

beforeAll(() => {
  kubectlClientVersion(); // fails first, with what to install, when kubectl is missing
  for (const dir of ["base", ...OVERLAYS.map((o) => o.dir)]) rendered.set(dir, renderKustomization(dir));
});

/** A deep copy of `objects` with `change` applied to the object of that kind and name. */
function broken(objects: readonly Manifest[], kind: string, name: string, change: (obj: any) => void): Manifest[] {
  const copy = structuredClone(objects) as Manifest[];
  const target = named(copy, kind, name);
  if (!target) throw new Error(`${kind}/${name} not found`);
  change(target);
  return copy;
}

/** The command the image must run: node on the server entry point that tsconfig.server.json emits. */
function serverEntryCommand(): string[] {
  const file = path.join(ROOT, "tsconfig.server.json");
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const { rootDir, outDir } = (config as { compilerOptions: { rootDir: string; outDir: string } }).compilerOptions;
  const source = "src/server/main.ts";
  if (!existsSync(path.join(ROOT, source))) throw new Error(`${source} is missing`);
  const emitted = path.posix.join(outDir, path.posix.relative(rootDir, source)).replace(/\.ts$/, ".js");
  return ["node", emitted];
}

describe("deploy/k8s renders with kubectl kustomize", () => {
  it("kubectl is available", () => {
    expect(kubectlClientVersion()).toMatch(/Kustomize Version/);
  });

  it.each(["base", ...OVERLAYS.map((o) => o.dir)])("%s renders to objects", (dir) => {
    expect(objectsOf(dir).length).toBeGreaterThan(5);
  });
});

describe.each(["base", ...OVERLAYS.map((o) => o.dir)])("%s: every object fits its schema", (dir) => {
  it("is a current API with a schema, has no schema violations and no unknown fields", () => {
    expect(objectsOf(dir).flatMap(schemaProblems)).toEqual([]);
  });
});

describe("base", () => {
  it("keeps the seed's objects, modernised", () => {
    const objects = objectsOf("base");
    const deployment = named<any>(objects, "Deployment", SEED.deployment);
    expect(deployment?.apiVersion).toBe("apps/v1");
    expect(deployment?.spec.replicas).toBe(SEED.replicas);
    const svc = named<any>(objects, "Service", SEED.service);
    expect(svc?.spec.ports).toEqual([expect.objectContaining({ name: "http", port: DEFAULT_PORT })]);
    const redisSvc = named<any>(objects, "Service", SEED.redis);
    expect(redisSvc?.spec.ports.map((p: { port: number }) => p.port)).toEqual([REDIS_PORT]);
    expect(named(objects, "StatefulSet", SEED.redis)).toBeDefined();
    expect(named(objects, "Deployment", SEED.redis)).toBeUndefined();
    expect(objects.filter((o) => o.kind === "PodDisruptionBudget" || o.kind === "HorizontalPodAutoscaler")).toHaveLength(2);
  });

  it("is consistent and fits the app, without any ingress or mesh", () => {
    const objects = objectsOf("base");
    expect([...commonProblems(objects, false), ...checkNoIstio(objects)]).toEqual([]);
  });
});

describe.each(OVERLAYS)("$dir", (overlay) => {
  it("is consistent and fits the app (selectors, ports, probes, env, drain, security, Redis)", () => {
    expect(commonProblems(objectsOf(overlay.dir), overlay.ingress === "istio")).toEqual([]);
  });

  it(`routes through ${overlay.ingress} with affinity on what the app expects`, () => {
    expect(ingressProblems(objectsOf(overlay.dir), overlay)).toEqual([]);
  });

  it("includes the PodMonitor scraping the app's metrics path on port http", () => {
    expect(checkPodMonitors(objectsOf(overlay.dir), METRICS_PATH)).toEqual([]);
  });
});

describe("Istio overlays keep the seed's routing objects", () => {
  it.each(OVERLAYS.filter((o) => o.ingress === "istio"))("$dir", ({ dir }) => {
    const objects = objectsOf(dir);
    const gateway = named<any>(objects, "Gateway", SEED.gateway);
    expect(gateway?.spec).toEqual({
      selector: { istio: "ingressgateway" },
      servers: [{ port: expect.objectContaining({ number: SEED.gatewayPort, protocol: "HTTP" }), hosts: [SEED.host] }],
    });
    const vs = named<any>(objects, "VirtualService", SEED.virtualService);
    expect(vs?.spec.hosts).toEqual([SEED.host]);
    expect(vs?.spec.gateways).toEqual([SEED.gateway]);
    const fqdn = `${SEED.service}.${NAMESPACE}.svc.cluster.local`;
    expect(vs?.spec.http[0].route[0].destination).toEqual({ host: fqdn, port: { number: DEFAULT_PORT } });
    expect(named<any>(objects, "DestinationRule", SEED.destinationRule)?.spec.host).toBe(fqdn);
    expect(objects.filter((o) => o.apiVersion.includes("istio.io")).every((o) => o.apiVersion === "networking.istio.io/v1")).toBe(true);
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");

  it("is multi-stage, non-root, production dependencies only, with a HEALTHCHECK, running the built server", () => {
    expect(dockerfileProblems(dockerfile, { command: serverEntryCommand(), port: DEFAULT_PORT, healthPath: HEALTH_PATH })).toEqual([]);
  });

  it("runs as the uid the Deployment expects", () => {
    const pod = named<any>(objectsOf("base"), "Deployment", SEED.deployment)?.spec.template.spec;
    expect(imageUid(parseDockerfile(dockerfile))).toBe(pod?.securityContext.runAsUser);
  });

  it("has a .dockerignore keeping dependencies, builds and git out of the context", () => {
    const dockerignore = readFileSync(path.join(ROOT, ".dockerignore"), "utf8");
    expect(dockerignoreProblems(dockerignore, ["node_modules", "dist", ".git", "data"])).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------
// The checks must be able to fail.

describe("the checks reject broken manifests", () => {
  const istio = () => objectsOf("overlays/istio");
  const deployment = (objects: Manifest[]) => named(objects, "Deployment", SEED.deployment) as Manifest;
  const wbContainer = (d: any) => d.spec.template.spec.containers[0];

  describe("schemas", () => {
    it("flag a misspelled field that the packaged validators alone accept", () => {
      const objects = broken(istio(), "Deployment", SEED.deployment, (d) => {
        const c = wbContainer(d);
        c.readinesProbe = c.readinessProbe;
        delete c.readinessProbe;
      });
      expect(schemaProblems(deployment(objects))).toEqual([
        "Deployment/wb: spec.template.spec.containers[0].readinesProbe: unknown field (not in the schema)",
      ]);
    });

    it("flag unknown fields at the top and inside Istio specs (the removed websocketUpgrade)", () => {
      const objects = broken(istio(), "VirtualService", SEED.virtualService, (vs) => {
        vs.spec.http[0].websocketUpgrade = true;
        vs.specs = {};
      });
      expect(schemaProblems(named(objects, "VirtualService", SEED.virtualService) as Manifest)).toEqual([
        "VirtualService/istio-wb-vs: spec.http[0].websocketUpgrade: unknown field (not in the schema)",
        "VirtualService/istio-wb-vs: specs: unknown field (not in the schema)",
      ]);
    });

    it("flag a misspelled hash key in the DestinationRule", () => {
      const objects = broken(istio(), "DestinationRule", SEED.destinationRule, (dr) => {
        dr.spec.trafficPolicy.loadBalancer.consistentHash = { httpCookies: { name: AFFINITY_COOKIE, ttl: "0s" } };
      });
      expect(schemaProblems(named(objects, "DestinationRule", SEED.destinationRule) as Manifest).join("\n")).toContain(
        "consistentHash.httpCookies: unknown field",
      );
    });

    it("report type errors and missing required fields", () => {
      const objects = broken(istio(), "Deployment", SEED.deployment, (d) => {
        d.spec.replicas = "three";
        delete d.spec.selector;
      });
      const problems = schemaProblems(deployment(objects)).join("\n");
      expect(problems).toContain("replicas must be integer");
      expect(problems).toContain("must have required property selector");
    });

    it("refuse the seed's removed and outdated apiVersions", () => {
      const d = { ...deployment(istio()), apiVersion: "extensions/v1beta1" };
      const dr = { ...(named(istio(), "DestinationRule", SEED.destinationRule) as Manifest), apiVersion: "networking.istio.io/v1alpha3" };
      expect(schemaProblems(d)[0]).toContain("no schema for extensions/v1beta1/Deployment");
      expect(schemaProblems(dr)[0]).toContain("no schema for networking.istio.io/v1alpha3/DestinationRule");
    });

    it("check the CRDs without packaged schemas (PodMonitor, IngressRoute) structurally", () => {
      const pm = broken(istio(), "PodMonitor", "wb", (p) => {
        p.spec.podMetricEndpoints = p.spec.podMetricsEndpoints;
        delete p.spec.podMetricsEndpoints;
        delete p.spec.selector;
      });
      expect(schemaProblems(named(pm, "PodMonitor", "wb") as Manifest)).toEqual([
        "PodMonitor/wb: spec: missing required field selector",
        "PodMonitor/wb: spec.podMetricEndpoints: unknown field (not in the schema)",
      ]);
      const ir = broken(objectsOf("overlays/traefik"), "IngressRoute", "wb", (r) => {
        r.spec.routes[0].services[0].sticky.cookie.nmae = "io";
        r.spec.routes[0].services[0].port = 3.5;
      });
      expect(schemaProblems(named(ir, "IngressRoute", "wb") as Manifest)).toEqual([
        "IngressRoute/wb: spec.routes[0].services[0].port: must be an integer or a string",
        "IngressRoute/wb: spec.routes[0].services[0].sticky.cookie.nmae: unknown field (not in the schema)",
      ]);
    });
  });

  describe("cross-references", () => {
    it("catch a Deployment selector that misses its pods, and the Service selecting nothing", () => {
      const objects = broken(istio(), "Deployment", SEED.deployment, (d) => {
        d.spec.template.metadata.labels.app = "whiteboard";
      });
      expect(checkWorkloads(objects)).toContain("Deployment/wb: spec.selector does not match the pod template's labels");
      expect(checkServices(objects).join("\n")).toContain('Service/wb-svc: selector {"app":"wb"} selects no pods');
    });

    it("catch a Service targetPort that no container exposes, and a port name Istio cannot read", () => {
      const objects = broken(istio(), "Service", SEED.service, (s) => {
        s.spec.ports[0].targetPort = "htttp";
        s.spec.ports[0].name = "web";
        delete s.spec.ports[0].appProtocol;
      });
      const problems = checkServices(objects).join("\n");
      expect(problems).toContain("Service/wb-svc: port web targets htttp, which no container of Deployment/wb exposes");
      expect(problems).toContain("Istio cannot select its protocol");
    });

    it("catch a DestinationRule on the short name, a VirtualService on the wrong port, an unknown gateway", () => {
      let objects = broken(istio(), "DestinationRule", SEED.destinationRule, (dr) => {
        dr.spec.host = SEED.service;
      });
      objects = broken(objects, "VirtualService", SEED.virtualService, (vs) => {
        vs.spec.http[0].route[0].destination.port.number = 8080;
        vs.spec.gateways = ["wb-gw"];
      });
      const problems = checkIstio(objects, { cookie: AFFINITY_COOKIE }).join("\n");
      expect(problems).toContain("DestinationRule/wb-dr: host wb-svc is not the FQDN of a Service");
      expect(problems).toContain("routes to port 8080, which Service/wb-svc does not have");
      expect(problems).toContain('gateways ["wb-gw"] are not Gateways of this set');
    });

    it("catch a hash cookie other than the app's, without ttl or path, and the wrong affinity kind", () => {
      const objects = broken(istio(), "DestinationRule", SEED.destinationRule, (dr) => {
        dr.spec.trafficPolicy.loadBalancer.consistentHash.httpCookie = { name: "socket" };
      });
      const problems = checkIstio(objects, { cookie: AFFINITY_COOKIE }).join("\n");
      expect(problems).toContain("expected the cookie io");
      expect(problems).toContain("httpCookie without ttl");
      expect(problems).toContain('httpCookie path must be "/"');
      expect(checkIstio(istio(), { queryParameter: BOARD_QUERY_PARAM }).join("\n")).toContain("expected the query parameter board");
      expect(checkIstio(objectsOf("overlays/istio-board-affinity"), { queryParameter: "room" })).toHaveLength(1);
    });

    it("catch a mesh overlay without sidecar injection and a mesh-less overlay with it", () => {
      const objects = broken(istio(), "Namespace", NAMESPACE, (ns) => {
        delete ns.metadata.labels;
      });
      expect(checkIstio(objects, { cookie: AFFINITY_COOKIE })).toEqual([`Namespace/${NAMESPACE}: not labelled istio-injection: enabled`]);
      expect(checkNoIstio(istio()).length).toBeGreaterThan(0);
    });

    it("catch probes on paths the app does not serve, and a wrong PORT", () => {
      const objects = broken(istio(), "Deployment", SEED.deployment, (d) => {
        wbContainer(d).readinessProbe.httpGet.path = "/ready";
        wbContainer(d).livenessProbe.httpGet.port = 8080;
        wbContainer(d).env.find((e: { name: string }) => e.name === "PORT").value = "8080";
      });
      const problems = checkAppContainer(objects, APP).join("\n");
      expect(problems).toContain(`readinessProbe requests /ready, the app serves it on ${READY_PATH}`);
      expect(problems).toContain(`livenessProbe port 8080 is not the app's port ${DEFAULT_PORT}`);
      expect(problems).toContain(`PORT=8080 but the container port is ${DEFAULT_PORT}`);
    });

    it("catch a REDIS_URL that is not the redis Service, and NODE_ID not from the pod name", () => {
      const objects = broken(istio(), "Deployment", SEED.deployment, (d) => {
        const env = wbContainer(d).env as Array<{ name: string; value?: string; valueFrom?: unknown }>;
        (env.find((e) => e.name === "REDIS_URL") as { value: string }).value = "redis://cache:6379";
        (env.find((e) => e.name === "NODE_ID") as { valueFrom: unknown }).valueFrom = { fieldRef: { fieldPath: "spec.nodeName" } };
      });
      const problems = checkAppContainer(objects, APP).join("\n");
      expect(problems).toContain("REDIS_URL redis://cache:6379 does not name Service redis");
      expect(problems).toContain("NODE_ID must come from the pod name");
    });

    it("catch a grace period or sidecar drain that does not cover preStop + the app's drain", () => {
      const facts = { deployment: SEED.deployment, drainSeconds: DRAIN_SECONDS, closeSeconds: APP_CLOSE_SECONDS, sidecar: true };
      const short = broken(istio(), "Deployment", SEED.deployment, (d) => {
        d.spec.template.spec.terminationGracePeriodSeconds = DRAIN_SECONDS;
        d.spec.template.metadata.annotations["proxy.istio.io/config"] = "terminationDrainDuration: 5s\n";
      });
      const problems = checkDrain(short, facts).join("\n");
      expect(problems).toContain(`terminationGracePeriodSeconds ${DRAIN_SECONDS} < preStop`);
      expect(problems).toContain("sidecar terminationDrainDuration 5s ends before the app is done");
      const noSidecarDrain = broken(istio(), "Deployment", SEED.deployment, (d) => {
        delete d.spec.template.metadata.annotations;
        delete wbContainer(d).lifecycle;
      });
      const missing = checkDrain(noSidecarDrain, facts).join("\n");
      expect(missing).toContain("needs a preStop sleep");
      expect(missing).toContain("must set terminationDrainDuration");
      const tooLong = broken(istio(), "Deployment", SEED.deployment, (d) => {
        d.spec.template.metadata.annotations["proxy.istio.io/config"] = '{"terminationDrainDuration": "1m"}';
      });
      expect(checkDrain(tooLong, facts)).toEqual(["Deployment/wb: sidecar terminationDrainDuration 1m exceeds terminationGracePeriodSeconds 30"]);
      const longerDrain = broken(istio(), "Deployment", SEED.deployment, (d) => {
        wbContainer(d).env.push({ name: "DRAIN_SECONDS", value: "60" });
      });
      expect(checkDrain(longerDrain, facts).join("\n")).toContain("terminationGracePeriodSeconds 30 < preStop 5 + drain 60");
    });

    it("catch a writable root filesystem, root, missing limits", () => {
      const objects = broken(istio(), "StatefulSet", SEED.redis, (s) => {
        const c = s.spec.template.spec.containers[0];
        c.securityContext.readOnlyRootFilesystem = false;
        c.securityContext.runAsUser = 0;
        delete c.resources.limits;
      });
      const problems = checkSecurity(objects).join("\n");
      expect(problems).toContain("StatefulSet/redis container master: root filesystem not read-only");
      expect(problems).toContain("runs as uid 0");
      expect(problems).toContain("needs both a request and a limit for cpu");
    });

    it("catch an end-of-life Redis without persistence", () => {
      const objects = broken(istio(), "StatefulSet", SEED.redis, (s) => {
        const c = s.spec.template.spec.containers[0];
        c.image = "redis:3.2";
        c.args = ["redis-server"];
      });
      expect(checkRedis(objects, SEED.redis)).toEqual([
        "StatefulSet/redis: image redis:3.2 is not Redis >= 7",
        "StatefulSet/redis: AOF persistence off (--appendonly yes)",
        "StatefulSet/redis: board state must not be evicted (--maxmemory-policy noeviction)",
        "StatefulSet/redis: --dir <unset> is not a mounted PersistentVolumeClaim",
      ]);
    });

    it("catch an autoscaler below the seed's replicas and a budget that blocks drains", () => {
      let objects = broken(istio(), "HorizontalPodAutoscaler", "wb", (h) => {
        h.spec.minReplicas = 1;
        h.spec.metrics[0].containerResource.container = "app";
      });
      objects = broken(objects, "PodDisruptionBudget", "wb", (p) => {
        p.spec.maxUnavailable = 0;
      });
      const problems = checkPolicies(objects, SEED.replicas).join("\n");
      expect(problems).toContain("minReplicas 1 < 3");
      expect(problems).toContain("metric on container app");
      expect(problems).toContain("allows no voluntary disruption");
    });

    it("catch a PodMonitor on the wrong path or port", () => {
      const objects = broken(istio(), "PodMonitor", "wb", (p) => {
        p.spec.podMetricsEndpoints[0].path = "/metric";
        p.spec.podMetricsEndpoints[0].port = "metrics";
      });
      const problems = checkPodMonitors(objects, METRICS_PATH).join("\n");
      expect(problems).toContain("port metrics is not a container port of Deployment/wb");
      expect(problems).toContain(`scrapes /metric, the app serves ${METRICS_PATH}`);
    });

    it("catch Traefik and ingress-nginx affinity on another cookie or a missing Service port", () => {
      const traefik = broken(objectsOf("overlays/traefik"), "IngressRoute", "wb", (r) => {
        r.spec.routes[0].services[0].sticky.cookie.name = "socket";
        r.spec.routes[0].services[0].port = 80;
      });
      expect(checkTraefik(traefik, AFFINITY_COOKIE)).toEqual([
        "IngressRoute/wb: routes[0] service wb-svc:80 is not a Service port of this set",
        "IngressRoute/wb: routes[0] service wb-svc sticky cookie is socket, expected io",
      ]);
      const nginx = broken(objectsOf("overlays/ingress-nginx"), "Ingress", "wb", (i) => {
        i.metadata.annotations["nginx.ingress.kubernetes.io/session-cookie-name"] = "route";
        i.spec.rules[0].http.paths[0].backend.service.name = "wb";
      });
      expect(checkIngressNginx(nginx, AFFINITY_COOKIE)).toEqual([
        "Ingress/wb: session-cookie-name is not io",
        "Ingress/wb: backend wb is not a Service port of this set",
      ]);
    });
  });

  describe("Dockerfile", () => {
    it("catches a single-stage root image with dev dependencies, no HEALTHCHECK and a shell-form CMD", () => {
      const bad = ["FROM node:20", "WORKDIR /app", "COPY . .", "RUN npm ci && npm run build", "EXPOSE 8080", "CMD node dist/server/main.js"].join("\n");
      expect(dockerfileProblems(bad, { command: ["node", "dist/server/main.js"], port: DEFAULT_PORT, healthPath: HEALTH_PATH })).toEqual([
        "not a multi-stage build",
      ]);
      const twoStage = `FROM node:20 AS build\nRUN npm ci\n${bad.replace("RUN npm ci && npm run build", "RUN npm ci\nCOPY --from=build /app/node_modules ./node_modules")}`;
      expect(dockerfileProblems(twoStage, { command: ["node", "dist/server/main.js"], port: DEFAULT_PORT, healthPath: HEALTH_PATH })).toEqual([
        "final stage runs as root (no USER)",
        "final stage installs packages; copy production node_modules from a build stage",
        "node_modules in the final stage must come from a stage that installs production dependencies only (npm ci --omit=dev)",
        "no HEALTHCHECK",
        `EXPOSE does not include ${DEFAULT_PORT}`,
        "CMD must be in exec form (a JSON array) so node gets SIGTERM directly",
      ]);
    });
  });

  describe("parsers", () => {
    it("read Go durations and Kubernetes quantities", () => {
      expect(parseDuration("20s")).toBe(20);
      expect(parseDuration("1m30s")).toBe(90);
      expect(parseDuration("500ms")).toBe(0.5);
      expect(parseDuration("20")).toBeNaN();
      expect(parseQuantity("100m")).toBeCloseTo(0.1);
      expect(parseQuantity("512Mi")).toBe(512 * 2 ** 20);
      expect(parseQuantity("1Gi")).toBeGreaterThan(parseQuantity("768Mi"));
      expect(parseQuantity("lots")).toBeNaN();
    });
  });
});

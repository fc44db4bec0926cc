/**
 * docker-compose.yml, deploy/haproxy/*.cfg and `npm run cluster` describe the
 * same topology; this keeps them in step.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AFFINITY_COOKIE, BOARD_QUERY_PARAM, DEFAULT_PORT, READY_PATH } from "../../src/shared/constants.js";
import { COMPOSE_NODES, COMPOSE_ROUTINGS, composeHaproxyConfig } from "../../scripts/lib/compose-haproxy.js";
import { renderHaproxyConfig } from "../../scripts/lib/haproxy-config.js";

const root = path.resolve(import.meta.dirname, "../..");

describe("HAProxy configs", () => {
  it.each(COMPOSE_ROUTINGS)("deploy/haproxy/haproxy-%s.cfg is what the renderer makes", (routing) => {
    const file = readFileSync(path.join(root, "deploy/haproxy", `haproxy-${routing}.cfg`), "utf8");
    expect(file, "run: npx tsx scripts/render-haproxy.ts").toBe(composeHaproxyConfig(routing));
  });

  it("routes as the mesh does: io cookie inserted by the balancer, or a hash of the board parameter", () => {
    const servers = [{ name: "n1", address: "127.0.0.1:1" }];
    const cookie = renderHaproxyConfig({ routing: "cookie", bind: "127.0.0.1:2", servers });
    expect(cookie).toContain(`cookie ${AFFINITY_COOKIE} insert indirect nocache`);
    expect(cookie).toContain(`option httpchk GET ${READY_PATH}`);
    // The nodes trust exactly this one proxy's X-Forwarded-For (TRUST_PROXY=1).
    expect(cookie).toContain("option forwardfor");
    const board = renderHaproxyConfig({ routing: "board", bind: "127.0.0.1:2", servers });
    expect(board).toContain(`balance url_param ${BOARD_QUERY_PARAM}`);
    expect(board).toContain("hash-type consistent");
    expect(board).not.toContain("cookie ");
  });

  it.each(COMPOSE_ROUTINGS)("haproxy -c accepts the %s config", (routing) => {
    // Compose service names do not resolve here: check the same config with loopback addresses.
    const dir = mkdtempSync(path.join(tmpdir(), "mb-haproxy-check-"));
    const cfg = path.join(dir, "haproxy.cfg");
    writeFileSync(cfg, composeHaproxyConfig(routing).replaceAll(/node\d:/g, "127.0.0.1:"));
    expect(() => execFileSync("haproxy", ["-c", "-q", "-f", cfg], { stdio: "pipe" })).not.toThrow();
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(path.join(root, "docker-compose.yml"), "utf8"), { merge: true });

  it("has redis, the same nodes as the HAProxy configs, and haproxy on the app's port", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["haproxy", "redis", ...COMPOSE_NODES].sort());
    for (const n of COMPOSE_NODES) {
      expect(compose.services[n].environment.NODE_ID).toBe(n);
      expect(compose.services[n].environment.REDIS_URL).toBe(`redis://redis:6379`);
      expect(compose.services[n].environment.TRUST_PROXY).toBe("1");
    }
    expect(compose.services.haproxy.ports).toEqual([`127.0.0.1:\${MESHBOARD_PORT:-${DEFAULT_PORT}}:${DEFAULT_PORT}`]);
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
  });

  it("publishes ports on loopback only, and has nothing Compose 1.29 rejects", () => {
    for (const [name, service] of Object.entries<{ ports?: string[] }>(compose.services)) {
      for (const p of service.ports ?? []) expect(p, `${name} publishes ${p}`).toMatch(/^127\.0\.0\.1:/);
    }
    // Compose 1.29: "'name' does not match any of the regexes"; `version:` is obsolete in v2.
    expect(Object.keys(compose).filter((k) => !k.startsWith("x-")).sort()).toEqual(["services", "volumes"]);
  });

  it("runs the nodes as the Kubernetes manifests do: read-only root, data on a volume, /tmp in memory", () => {
    for (const n of COMPOSE_NODES) {
      expect(compose.services[n].read_only).toBe(true);
      expect(compose.services[n].tmpfs).toEqual([expect.stringMatching(/^\/tmp(:|$)/)]);
      expect(compose.services[n].volumes).toEqual([`${n}-data:/app/data`]);
    }
  });

  it("mounts a HAProxy config that exists for every routing", () => {
    const mount: string = compose.services.haproxy.volumes[0];
    for (const routing of COMPOSE_ROUTINGS) {
      const host = mount.replace("${ROUTING:-cookie}", routing).split(":")[0];
      expect(readFileSync(path.join(root, host), "utf8")).toContain(`routing: ${routing}`);
    }
  });
});

/**
 * Validates objects against the JSON schemas shipped (precompiled) in kubernetes-models and
 * @kubernetes-models/istio, and finds the fields those schemas do not know.
 *
 * The compiled validators ignore additional properties, so a misspelled field passes them.
 * But a validator reads every property its schema declares (`data.readinessProbe === undefined`?)
 * and enumerates the keys of maps (labels, annotations, resource lists). So the object is
 * handed to the validator behind a Proxy that records those reads: an object key the
 * validator neither read nor reached by enumerating is a field the schema does not have.
 * (Sound for these schemas, which declare every field under `properties` and use anyOf/oneOf
 * only for required-field combinations; a field declared only inside a later anyOf branch that
 * ajv skips would be reported falsely, never missed.)
 */
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService";
import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule";
import { CRD_SHAPES, shapeProblems } from "./crd-shapes.js";
import { isPlainObject, type Manifest } from "./manifest.js";

interface SchemaModel {
  prototype: { validate(): void };
}

/**
 * The APIs this repository may ship: current versions only (Kubernetes >= 1.30, Istio >= 1.22).
 * A removed or outdated apiVersion (extensions/v1beta1, policy/v1beta1, networking.istio.io/v1alpha3)
 * is reported as unknown even where the packages still carry its schema.
 */
const MODELS: Readonly<Record<string, SchemaModel>> = {
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.istio.io/v1/Gateway": Gateway,
  "networking.istio.io/v1/VirtualService": VirtualService,
  "networking.istio.io/v1/DestinationRule": DestinationRule,
};

export const KNOWN_APIS: readonly string[] = [...Object.keys(MODELS), ...Object.keys(CRD_SHAPES)];

interface Reads {
  keys: Set<string>;
  enumerated: boolean;
}

/** Wraps `root` so that every property read and key enumeration on it, at any depth, is recorded. */
function traced(root: object, reads: WeakMap<object, Reads>): object {
  const wrap = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    let record = reads.get(value);
    if (!record) {
      record = { keys: new Set(), enumerated: false };
      reads.set(value, record);
    }
    const seen = record;
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") seen.keys.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === "string") seen.keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        seen.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  return wrap(root) as object;
}

function unknownFields(value: unknown, path: string, reads: WeakMap<object, Reads>, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, `${path}[${i}]`, reads, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const record = reads.get(value);
  // Never reached, or reached but never looked into: a free-form value (x-kubernetes-preserve-unknown-fields).
  if (!record || (!record.enumerated && record.keys.size === 0)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!record.enumerated && !record.keys.has(key)) {
      out.push(`${path}.${key}: unknown field (not in the schema)`);
      continue;
    }
    unknownFields(child, `${path}.${key}`, reads, out);
  }
}

/**
 * Everything wrong with one object as far as its schema can tell: schema violations (types,
 * required fields, enums, formats) and fields the schema does not have. Empty when valid.
 */
export function schemaProblems(obj: Manifest): string[] {
  const api = `${obj.apiVersion}/${obj.kind}`;
  const name = `${obj.kind}/${obj.metadata?.name ?? "<unnamed>"}`;
  const model = MODELS[api];
  if (!model) {
    const shape = CRD_SHAPES[api];
    if (shape) return shapeProblems(obj, shape).map((p) => `${name}: ${p}`);
    return [`${name}: no schema for ${api} (removed, outdated or misspelled apiVersion/kind; known: ${KNOWN_APIS.join(", ")})`];
  }
  const problems: string[] = [];
  const reads = new WeakMap<object, Reads>();
  try {
    // Model#validate runs the compiled validator on `this`: here, the traced plain object.
    model.prototype.validate.call(traced(obj, reads));
  } catch (error) {
    problems.push(`${name}: ${(error as Error).message}`);
  }
  const unknown: string[] = [];
  unknownFields(obj, "", reads, unknown);
  problems.push(...unknown.map((p) => `${name}: ${p.replace(/^\./, "")}`));
  return problems;
}

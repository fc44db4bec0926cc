/** Who this browser is on every board: a stable clientId and an editable display name. */
import { LIMITS } from "../shared/protocol-constants.js";
import { randomId } from "../shared/ids.js";
import { readLocal, writeLocal } from "./browser/local-storage.js";

const CLIENT_ID_KEY = "meshboard:clientId";
const NAME_KEY = "meshboard:name";
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export function loadClientId(): string {
  const stored = readLocal(CLIENT_ID_KEY);
  if (stored && CLIENT_ID_PATTERN.test(stored)) return stored;
  const id = randomId(21);
  writeLocal(CLIENT_ID_KEY, id);
  return id;
}

export function loadName(): string {
  const stored = readLocal(NAME_KEY);
  if (stored && stored.trim()) return cleanName(stored);
  const name = `Guest ${100 + Math.floor(Math.random() * 900)}`;
  writeLocal(NAME_KEY, name);
  return name;
}

export function saveName(name: string): string {
  const clean = cleanName(name);
  writeLocal(NAME_KEY, clean);
  return clean;
}

/** Trims, collapses whitespace and caps the length to what the server accepts. */
export function cleanName(name: string): string {
  return Array.from(name.replace(/\s+/g, " ").trim()).slice(0, LIMITS.maxNameLength).join("").trim();
}

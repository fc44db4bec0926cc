/** Who this browser is on every board: a stable clientId and an editable display name. */
import { cleanDisplayName } from "../shared/display-name.js";
import { randomId } from "../shared/ids.js";
import { readLocal, writeLocal } from "./browser/local-storage.js";

const CLIENT_ID_KEY = "meshboard:clientId";
const NAME_KEY = "meshboard:name";
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The server's own sanitiser, so the name you see is the name others see. */
export const cleanName = cleanDisplayName;

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


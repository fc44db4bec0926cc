/**
 * The Share button. Without access control it copies the board's address, as
 * before. With it (the page was opened with a `?t=` token) it opens a small menu
 * offering the links this token may hand out, as the server lists them: an editor
 * gets "Copy editor link" and "Copy view-only link", a viewer only the latter.
 * Every copied link carries its token; nothing from the server is parsed as markup.
 */
import { TOKEN_QUERY_PARAM, boardLinksPath } from "../../shared/constants.js";
import type { ShareLinks } from "../../shared/http-api.js";
import { byId, el } from "./dom.js";
import { closeOnOutsidePress } from "./outside-press.js";
import type { ToastKind } from "./toasts.js";

type Role = keyof ShareLinks;

const OPTIONS: Record<Role, { label: string; hint: string; copied: string; icon: string[] }> = {
  edit: {
    label: "Copy editor link",
    hint: "Anyone with it can draw",
    copied: "Editor link copied — anyone with it can draw.",
    icon: ["M12 20h9", "M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4Z"],
  },
  view: {
    label: "Copy view-only link",
    hint: "Anyone with it can only watch",
    copied: "View-only link copied — anyone with it can watch.",
    icon: ["M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7-10-7-10-7Z", "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6Z"],
  },
};

export interface ShareElements {
  button: HTMLButtonElement;
  menu: HTMLElement;
  options: HTMLElement;
}

export interface ShareOptions {
  boardId: string;
  /** The page's access token; undefined when access control is off. */
  token: string | undefined;
  /** The board's plain address (the share link without access control). */
  plainUrl: string;
  notify(message: string, kind?: ToastKind): void;
}

export class ShareMenu {
  private links: ShareLinks | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly els: ShareElements,
    private readonly opts: ShareOptions,
  ) {
    if (opts.token === undefined) {
      els.button.addEventListener("click", () => void this.copy(opts.plainUrl, "Link copied — share it to draw together."));
      return;
    }
    els.button.setAttribute("aria-label", "Share this board");
    els.button.title = "Share this board";
    els.button.setAttribute("aria-expanded", "false");
    els.button.setAttribute("aria-controls", els.menu.id);
    els.button.addEventListener("click", () => this.toggle());
    closeOnOutsidePress(
      { isOpen: () => this.isOpen, owns: (t) => els.menu.contains(t) || els.button.contains(t), close: () => this.toggle(false) },
      byId("board"),
    );
    document.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !this.isOpen) return;
      e.preventDefault();
      this.toggle(false);
      els.button.focus();
    });
  }

  private get isOpen(): boolean {
    return !this.els.menu.hidden;
  }

  private toggle(open = !this.isOpen): void {
    this.els.menu.hidden = !open;
    this.els.button.setAttribute("aria-expanded", String(open));
    if (!open) return;
    if (this.links) this.render(true);
    else void this.load();
  }

  /** Asks the server which links this page's token may share (once; again after a failure). */
  private load(): Promise<void> {
    if (this.loading) return this.loading;
    this.els.options.replaceChildren(el("p", "share-note", "Loading links…"));
    const query = new URLSearchParams({ [TOKEN_QUERY_PARAM]: this.opts.token ?? "" });
    this.loading = fetch(`${boardLinksPath(this.opts.boardId)}?${query}`, { cache: "no-store", headers: { accept: "application/json" } })
      .then(async (res) => {
        if (res.status === 403) throw new ShareError("This link no longer opens the board, so it cannot be shared.");
        if (!res.ok) throw new ShareError(`Could not load the share links (HTTP ${res.status}).`);
        this.links = sameOriginLinks((await res.json()) as unknown);
        if (!this.links.edit && !this.links.view) throw new ShareError("There is no link to share.");
        this.render(true);
      })
      .catch((err: unknown) => {
        this.links = null;
        this.showProblem(err instanceof ShareError ? err.message : "Could not load the share links: check the connection.");
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  private render(focusFirst: boolean): void {
    const buttons: HTMLButtonElement[] = [];
    for (const role of ["edit", "view"] as const) {
      const url = this.links?.[role];
      if (url) buttons.push(this.option(role, url));
    }
    this.els.options.replaceChildren(...buttons);
    // Keyboard users land in the menu; after a click no focus ring shows (:focus-visible).
    if (focusFirst && this.isOpen) buttons[0]?.focus({ preventScroll: true });
  }

  private option(role: Role, url: string): HTMLButtonElement {
    const o = OPTIONS[role];
    const b = el("button", "share-option");
    b.type = "button";
    b.dataset.role = role;
    b.setAttribute("aria-label", o.label);
    const hintId = `share-hint-${role}`;
    b.setAttribute("aria-describedby", hintId);
    const icon = el("span", `share-option-icon ${role}`);
    icon.append(svgIcon(o.icon));
    const text = el("span", "share-option-text");
    const hint = el("span", "share-option-hint", o.hint);
    hint.id = hintId;
    text.append(el("span", "share-option-label", o.label), hint);
    b.append(icon, text);
    b.addEventListener("click", () => {
      this.toggle(false);
      this.els.button.focus({ preventScroll: true });
      void this.copy(url, o.copied);
    });
    return b;
  }

  private showProblem(message: string): void {
    const retry = el("button", "button share-retry", "Try again");
    retry.type = "button";
    retry.addEventListener("click", () => void this.load());
    this.els.options.replaceChildren(el("p", "share-note error", message), retry);
  }

  private async copy(url: string, done: string): Promise<void> {
    if (await copyText(url)) this.opts.notify(done, "info");
    else this.opts.notify(`Copy this link: ${url}`, "info");
  }
}

class ShareError extends Error {}

const SVG_NS = "http://www.w3.org/2000/svg";

function svgIcon(paths: readonly string[]): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** Keeps the links that are paths on this page's origin, made absolute (tokens included). */
function sameOriginLinks(body: unknown): ShareLinks {
  const links: ShareLinks = {};
  if (typeof body !== "object" || body === null) return links;
  for (const role of ["edit", "view"] as const) {
    const value = (body as Record<string, unknown>)[role];
    if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) continue;
    const url = new URL(value, location.origin);
    if (url.origin === location.origin) links[role] = url.href;
  }
  return links;
}

/** Copies text to the clipboard, with a fallback for insecure contexts. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // permission denied or unsupported: try the old way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

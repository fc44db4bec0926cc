/** Other people's pointers, labelled with their names, positioned from board coordinates. */
import type { Cursor, Peer } from "../../shared/protocol.js";
import type { Viewport } from "../canvas/viewport.js";
import { el } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";

interface Shown {
  root: HTMLElement;
  label: HTMLElement;
  at: Cursor;
}

export class PeerCursors {
  private readonly shown = new Map<string, Shown>();

  constructor(
    private readonly layer: HTMLElement,
    private readonly viewport: Viewport,
    private readonly peer: (sessionId: string) => Peer | undefined,
  ) {}

  move(sessionId: string, at: Cursor): void {
    let c = this.shown.get(sessionId);
    if (!c) {
      if (!at) return;
      c = this.create();
      this.shown.set(sessionId, c);
      this.style(sessionId, c);
    }
    c.at = at;
    this.place(c);
  }

  /** Presence changed: drop cursors of people who left, refresh names and colours. */
  retain(peers: readonly Peer[]): void {
    const ids = new Set(peers.map((p) => p.sessionId));
    for (const [id, c] of this.shown) {
      if (!ids.has(id)) {
        c.root.remove();
        this.shown.delete(id);
      } else {
        this.style(id, c);
      }
    }
  }

  /** The view moved or zoomed. */
  reposition(): void {
    for (const c of this.shown.values()) this.place(c);
  }

  private create(): Shown {
    const root = el("div", "peer-cursor");
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 18 18");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", "M2 1.5 15.5 8 9.2 9.6 6.4 15.6Z");
    svg.append(path);
    const label = el("span", "label");
    root.append(svg, label);
    this.layer.append(root);
    return { root, label, at: null };
  }

  private style(sessionId: string, c: Shown): void {
    const p = this.peer(sessionId);
    c.label.textContent = p?.name || "Guest";
    c.root.style.setProperty("--peer", p?.color ?? "#6d6d78");
  }

  private place(c: Shown): void {
    if (!c.at) {
      c.root.hidden = true;
      return;
    }
    const s = this.viewport.toScreen(c.at.x, c.at.y);
    c.root.hidden = false;
    c.root.style.transform = `translate(${s.x - 2}px, ${s.y - 2}px)`;
  }
}

/** Who is on the board: a count and avatars, and a panel with the list and your editable name. */
import type { Peer } from "../../shared/protocol.js";
import { byId, el, initials } from "./dom.js";
import { closeOnOutsidePress } from "./outside-press.js";

const MAX_AVATARS = 4;

export interface PresenceElements {
  button: HTMLButtonElement;
  panel: HTMLElement;
  avatars: HTMLElement;
  count: HTMLElement;
  list: HTMLElement;
  nameInput: HTMLInputElement;
}

export class PresencePanel {
  private peers: Peer[] = [];
  private bySession = new Map<string, Peer>();
  private me: string | null = null;
  private myName: string;

  constructor(
    private readonly els: PresenceElements,
    name: string,
    private readonly onRename: (name: string) => string,
  ) {
    this.myName = name;
    els.nameInput.value = name;
    els.nameInput.maxLength = 32;
    els.button.addEventListener("click", () => this.toggle());
    els.nameInput.addEventListener("change", () => this.commitName());
    els.nameInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        this.commitName();
        this.toggle(false);
      } else if (e.key === "Escape") {
        els.nameInput.value = this.myName;
        this.toggle(false);
      }
    });
    closeOnOutsidePress(
      { isOpen: () => !els.panel.hidden, owns: (t) => els.panel.contains(t) || els.button.contains(t), close: () => this.toggle(false) },
      byId("board"),
    );
    document.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || els.panel.hidden) return;
      e.preventDefault();
      this.toggle(false);
    });
    this.render();
  }

  setSelf(sessionId: string | null): void {
    this.me = sessionId;
    this.render();
  }

  /** The whole current list (after a snapshot or a delta). */
  setPeers(peers: Peer[]): void {
    this.peers = peers;
    this.bySession = new Map(peers.map((p) => [p.sessionId, p]));
    this.render();
  }

  /** Name and colour of a session, for cursor labels. */
  peer(sessionId: string): Peer | undefined {
    return this.bySession.get(sessionId);
  }

  private toggle(open = this.els.panel.hidden): void {
    this.els.panel.hidden = !open;
    this.els.button.setAttribute("aria-expanded", String(open));
    if (open) this.els.nameInput.focus();
    // Focus must not stay in a hidden field: keys would go on typing into it, not to the board.
    else if (this.els.panel.contains(document.activeElement)) this.els.button.focus();
  }

  private commitName(): void {
    const clean = this.onRename(this.els.nameInput.value);
    this.myName = clean;
    this.els.nameInput.value = clean;
    this.render();
  }

  private render(): void {
    // Before the first presence update we at least know about ourselves.
    const people = this.peers.length ? this.ordered() : [{ name: this.myName, color: "#4c4ce0", sessionId: "" }];
    const n = people.length;
    this.els.count.textContent = String(n);
    this.els.button.title = `${n} ${n === 1 ? "person" : "people"} on this board`;
    this.els.button.setAttribute("aria-label", this.els.button.title);

    const avatars = people.slice(0, MAX_AVATARS).map((p) => avatar(this.displayName(p), p.color, 1));
    if (n > MAX_AVATARS) avatars.push(el("span", "avatar more", `+${n - MAX_AVATARS}`));
    this.els.avatars.replaceChildren(...avatars);

    this.els.list.replaceChildren(
      ...people.map((p) => {
        const li = el("li");
        li.append(avatar(this.displayName(p), p.color), el("span", "who", this.displayName(p)));
        if (this.isMe(p)) li.append(el("span", "you", "you"));
        return li;
      }),
    );
  }

  /** You first, then everyone else in the order the server lists them. */
  private ordered(): Pick<Peer, "name" | "color" | "sessionId">[] {
    const mine = this.peers.filter((p) => this.isMe(p));
    return [...mine, ...this.peers.filter((p) => !this.isMe(p))];
  }

  private isMe(p: Pick<Peer, "sessionId">): boolean {
    return p.sessionId === "" || p.sessionId === this.me;
  }

  private displayName(p: Pick<Peer, "name" | "sessionId">): string {
    if (this.isMe(p)) return this.myName;
    return p.name || "Guest";
  }
}

function avatar(name: string, color: string, letters = 2): HTMLElement {
  const a = el("span", "avatar", initials(name).slice(0, letters));
  a.style.setProperty("--peer", color);
  a.title = name;
  return a;
}

/**
 * The board page, composed in dependency order: the constructor BUILDS every
 * part (nothing runs, nothing is sent, no event is emitted), `start()` then
 * wires the session's events to parts that all exist and starts the session,
 * the input and the timers. No event can reach a part not yet built.
 */
import type { Item } from "../../shared/protocol.js";
import { boardUrl } from "../board-address.js";
import { BoardEditor } from "../board/board-editor.js";
import { DisplayedBoard } from "../board/displayed-board.js";
import { unionBounds } from "../board/item-geometry.js";
import { browserNetwork, browserTabId, browserTabs } from "../browser/environment.js";
import { browserStorage } from "../browser/local-storage.js";
import { CanvasLayer } from "../canvas/canvas-layer.js";
import { FrameLoop } from "../canvas/frame-loop.js";
import { PeerDrafts } from "../canvas/peer-drafts.js";
import { drawPeerPreviews } from "../canvas/peer-previews.js";
import { PreviewState } from "../../shared/client/preview-state.js";
import { SceneRenderer } from "../canvas/scene-renderer.js";
import { Viewport, ZOOM_STEP } from "../canvas/viewport.js";
import { cleanName, saveName } from "../identity.js";
import { PointerInput } from "../input/pointer-input.js";
import { installShortcuts, isTypingIn } from "../input/shortcuts.js";
import { installWheelNavigation } from "../input/wheel-navigation.js";
import { BoardSession } from "../../shared/client/board-session.js";
import { CursorBroadcast } from "../input/cursor-broadcast.js";
import { checkedWire } from "../../shared/client/checked-wire.js";
import { socketWire, type WireFactory } from "../../shared/client/wire.js";
import { devPayloadChecks } from "../browser/dev-payload-checks.js";
import { installTestHook } from "../test-hook.js";
import { DrawingStyle } from "../tools/drawing-style.js";
import type { Modifiers, ToolHost } from "../tools/tool.js";
import { confirmWith } from "../ui/confirm-dialog.js";
import { ConnectionBadge } from "../ui/connection-badge.js";
import { byId } from "../ui/dom.js";
import { PeerCursors } from "../ui/peer-cursors.js";
import { PresencePanel } from "../ui/presence-panel.js";
import { ShareMenu } from "../ui/share-link.js";
import { TextField } from "../ui/text-field.js";
import { NoticeBanner } from "../ui/notice-banner.js";
import { Toasts } from "../ui/toasts.js";
import { Toolbar } from "../ui/toolbar.js";
import { FillPicker } from "../ui/fill-picker.js";
import { installZoomControls } from "../ui/zoom-controls.js";
import { EmptyBoardHint } from "../ui/empty-board-hint.js";
import { installShortcutSheet } from "../ui/shortcut-sheet.js";
import { BoardExport } from "./board-export.js";
import { arrange, type Placement } from "../board/arrange.js";
import { installClipboard, type ClipboardCommands } from "../clipboard/clipboard-actions.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import type { Point } from "../canvas/viewport.js";
import { boardKeymap } from "./keymap.js";
import { ToolModes } from "./tool-modes.js";
import { guardUnstoredWork } from "./unstored-work.js";

const GRID_SPACING = 24;

export interface PageIdentity {
  boardId: string;
  /** The link's access token (access control on), or undefined. */
  token: string | undefined;
  clientId: string;
  name: string;
}

export class BoardPage {
  private readonly boardEl = byId("board");
  private readonly viewport = new Viewport();
  private readonly sceneLayer = new CanvasLayer(byId<HTMLCanvasElement>("scene"));
  private readonly inkLayer = new CanvasLayer(byId<HTMLCanvasElement>("ink"));
  private readonly toasts = new Toasts(byId("toasts"));
  private readonly notice = new NoticeBanner(document.body);
  private readonly badge = new ConnectionBadge(byId("connection"), byId("connection-text"));
  private readonly peerDrafts = new PeerDrafts();
  private readonly peerPreviews = new PreviewState();
  private readonly style = new DrawingStyle();
  private readonly modifiers: Modifiers = { shift: false };
  private readonly session: BoardSession;
  private readonly presence: PresencePanel;
  private readonly cursors: PeerCursors;
  private readonly displayed: DisplayedBoard;
  private readonly editor: BoardEditor;
  private readonly scene: SceneRenderer;
  private readonly textField: TextField;
  private readonly modes: ToolModes;
  private readonly frames: FrameLoop;
  private readonly cursorOut: CursorBroadcast;
  private readonly input: PointerInput;
  private readonly toolbar: Toolbar;
  private readonly exporter: BoardExport;
  /** The toolbar's Copy and Paste (set in start(), before the page takes input). */
  private clipboard!: ClipboardCommands;
  private readonly emptyHint = new EmptyBoardHint(byId("empty-hint"));
  /** Items a tool is showing itself (being moved or edited) are left out of the scene meanwhile. */
  private hiddenItems: ReadonlySet<string> | null = null;
  private sceneItems: { from: readonly Item[]; hidden: ReadonlySet<string>; items: readonly Item[] } | null = null;
  private myName: string;
  /** Where the pointer is over the board (board coordinates), for pasting text there. */
  private pointer: Point | null = null;

  constructor(private readonly who: PageIdentity) {
    this.myName = who.name;
    const storage = browserStorage();
    this.session = new BoardSession({
      boardId: who.boardId,
      clientId: who.clientId,
      name: who.name,
      token: who.token,
      wire: withDevChecks(socketWire({ boardId: who.boardId })),
      storage,
      tabs: browserTabs(storage),
      tabId: browserTabId(),
      network: browserNetwork(),
    });
    this.presence = new PresencePanel(
      {
        button: byId<HTMLButtonElement>("people-button"),
        panel: byId("people-panel"),
        avatars: byId("avatars"),
        count: byId("people-count"),
        list: byId("people-list"),
        nameInput: byId<HTMLInputElement>("name-input"),
      },
      who.name,
      (value) => this.rename(value),
    );
    this.cursors = new PeerCursors(byId("cursors"), this.viewport, (id) => this.presence.peer(id));
    this.displayed = new DisplayedBoard(
      () => this.session.model,
      () => this.session.outbox.ops(),
    );
    this.editor = new BoardEditor(this.displayed, (op) => this.session.submit(op), { historyChanged: () => this.refreshHistory() });
    this.scene = new SceneRenderer(this.sceneLayer, this.viewport, () => this.visibleScene());
    this.textField = new TextField(this.boardEl, this.viewport);
    const host: ToolHost = {
      style: this.style,
      editor: this.editor,
      board: this.displayed,
      viewport: this.viewport,
      modifiers: this.modifiers,
      sendDraft: (d) => this.session.sendDraft(d),
      sendPreview: (p) => this.session.sendPreview(p),
      requestFrame: () => this.frames.request(),
      hideItems: (ids) => {
        this.hiddenItems = ids && ids.size ? new Set(ids) : null;
        this.frames.request();
      },
      editText: (item) => {
        this.modes.choose("text");
        this.modes.text.edit(item);
      },
      notify: (message) => this.toasts.show(message, "info"),
      pointerCursor: (css) => (this.inkLayer.canvas.style.cursor = css ?? ""),
    };
    this.modes = new ToolModes(host, this.viewport, this.textField, {
      allows: (id) => this.toolbar.allows(id),
      interrupt: () => this.input.interrupt(),
      drawing: () => this.input.drawing,
      changed: (id) => {
        this.toolbar.setTool(id);
        this.frames.request();
      },
      showCursor: (id) => (this.boardEl.dataset.tool = id),
    });
    this.frames = new FrameLoop((now) => {
      this.emptyHint.update({ empty: this.displayed.count === 0, busy: this.input.drawing, readOnly: this.editor.readOnly });
      const tool = this.modes.tool;
      tool.frame?.(now);
      this.scene.render();
      this.inkLayer.clear();
      const ctx = this.inkLayer.enterBoardSpace(this.viewport);
      this.peerDrafts.draw(ctx);
      drawPeerPreviews(ctx, this.peerPreviews, {
        item: (id) => this.displayed.item(id),
        colorOf: (sessionId) => this.presence.peer(sessionId)?.color ?? "#888888",
        zoom: () => this.viewport.zoom,
      });
      tool.drawLive?.(ctx);
    });
    this.cursorOut = new CursorBroadcast((c) => this.session.sendCursor(c));
    this.input = new PointerInput(this.inkLayer.canvas, this.viewport, {
      tool: () => this.modes.pointerTool,
      panTool: () => this.modes.hand,
      modifiers: this.modifiers,
      canEdit: () => !this.editor.readOnly,
      cursor: (p) => {
        this.pointer = p;
        this.cursorOut.update(p && { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
      },
    });
    this.exporter = new BoardExport(who.boardId, () => this.displayed.items(), {
      notify: (m) => this.toasts.show(m, "info"),
      progress: (m) => this.toasts.progress(m),
    });
    new FillPicker(byId("widths"), this.style);
    this.toolbar = new Toolbar(byId("toolbar-root"), this.style, {
      selectTool: (id) => this.modes.choose(id),
      stylesSelection: () => this.modes.stylesSelection(),
      undo: () => this.undo(),
      redo: () => this.redo(),
      exportPng: () => void this.exporter.png(),
      exportSvg: () => this.exporter.svg(),
      clear: () => void this.clearBoard(),
      arrange: (where) => this.arrangeSelection(where),
      copy: () => void this.clipboard.copy(),
      paste: () => void this.clipboard.paste(),
      duplicate: () => this.modes.select.duplicateSelection(),
      deleteSelection: () => this.modes.select.deleteSelection(),
    });
    new ShareMenu(
      { button: byId<HTMLButtonElement>("share"), menu: byId("share-menu"), options: byId("share-options") },
      { boardId: who.boardId, token: who.token, plainUrl: boardUrl(who.boardId), notify: (message, kind) => this.toasts.show(message, kind) },
    );
  }

  /** Wires every part to the session's events, then starts the session, the input and the timers. */
  start(): void {
    this.wireSession();
    this.restyleOnPick();
    this.installKeys();
    this.installClipboard();
    installWheelNavigation(this.inkLayer.canvas, this.viewport);
    installZoomControls(this.viewport, { zoomBy: (f) => this.zoomBy(f), reset: () => this.viewport.reset(), fit: () => this.fitToContent() }, ZOOM_STEP);
    addEventListener("resize", () => this.resize());
    this.watchPixelRatio();
    this.viewport.onChange(() => this.onViewportChange());
    this.onViewportChange();
    this.resize();
    this.boardEl.dataset.tool = this.modes.cursor();
    // Hide our cursor from others when this tab is not being looked at.
    addEventListener("blur", () => this.cursorOut.update(null));
    setInterval(() => {
      if (this.peerDrafts.pruneStale()) this.frames.request();
    }, 1_000);
    this.installHook();
    this.session.start();
  }

  private wireSession(): void {
    const s = this.session;
    s.on("boardChanged", () => {
      this.displayed.invalidate();
      this.frames.request();
    });
    s.on("applied", (ops) => {
      let dropped = false;
      for (const o of ops) {
        if (o.op.type !== "add") continue;
        dropped = this.peerDrafts.dropItem(o.op.item.id) || dropped;
        dropped = this.peerPreviews.dropItem(o.op.item.id) || dropped;
      }
      if (dropped) this.frames.request();
    });
    s.on("status", (st) => this.badge.setStatus(st));
    const unstored = guardUnstoredWork(this.notice);
    s.on("outbox", (st) => {
      this.badge.setOutbox(st);
      unstored(st);
    });
    s.on("welcome", (w) => {
      this.badge.setNode(w.node);
      this.presence.setSelf(w.sessionId);
      // A store that refuses writes makes the board read-only for now, with a reason; a view-only link, for good.
      this.notice.show("read-only", w.readOnlyReason);
      if (w.readOnly && !w.readOnlyReason && !this.editor.readOnly) this.toasts.show("This board is view-only.");
      this.editor.readOnly = w.readOnly;
      this.toolbar.setReadOnly(w.readOnly);
      this.modes.recheck();
      this.boardEl.toggleAttribute("data-readonly", w.readOnly);
      this.refreshHistory();
    });
    s.on("presence", (peers) => {
      this.presence.setPeers(peers);
      this.cursors.retain(peers);
      const here = new Set(peers.map((p) => p.sessionId));
      const draftsGone = this.peerDrafts.retainSessions(here);
      if (this.peerPreviews.retainSessions(here) || draftsGone) this.frames.request();
    });
    s.on("drafts", (batch) => {
      let shown = false;
      for (const d of batch) {
        if (s.model.items.has(d.itemId)) continue; // already committed
        this.peerDrafts.accept(d);
        shown = true;
      }
      if (shown) this.frames.request();
    });
    s.on("previews", (batch) => {
      let changed = false;
      for (const p of batch) changed = this.peerPreviews.accept(p) || changed;
      if (changed) this.frames.request();
    });
    s.on("cursors", (batch) => {
      for (const c of batch) this.cursors.move(c.sessionId, c.cursor);
    });
    s.on("adopted", (ops) => this.toasts.show(`Recovered ${ops.length} unsent change${ops.length === 1 ? "" : "s"} from a closed tab.`, "info"));
    s.on("problem", ({ message, kind }) => this.toasts.show(message, kind));
  }

  /** A colour, width or fill picked while the select tool holds a selection restyles it (only what was picked). */
  private restyleOnPick(): void {
    const style = this.style;
    let last = { color: style.color, width: style.width, fill: style.fill };
    style.onChange(() => {
      const now = { color: style.color, width: style.width, fill: style.fill };
      const change = {
        ...(now.color !== last.color ? { color: now.color } : {}),
        ...(now.width !== last.width ? { width: now.width } : {}),
        ...(now.fill !== last.fill ? { fill: now.fill } : {}),
      };
      last = now;
      if (Object.keys(change).length > 0 && this.modes.stylesSelection()) this.modes.select.restyleSelection(change);
    });
  }

  private installKeys(): void {
    const { modes, viewport, style } = this;
    installShortcuts(
      boardKeymap({
        readOnly: () => this.editor.readOnly,
        selectTool: (id) => modes.choose(id),
        pickColor: (color) => {
          style.setColor(color);
          modes.colorPicked();
        },
        deleteSelection: () => modes.select.deleteSelection(),
        duplicateSelection: () => modes.select.duplicateSelection(),
        selectAll: () => {
          modes.choose("select");
          modes.select.selectAll();
        },
        clearSelection: () => modes.select.select([]),
        zoomIn: () => this.zoomBy(ZOOM_STEP),
        zoomOut: () => this.zoomBy(1 / ZOOM_STEP),
        resetZoom: () => viewport.reset(),
        fitToContent: () => this.fitToContent(),
        undo: () => this.undo(),
        redo: () => this.redo(),
        exportPng: () => void this.exporter.png(),
        exportSvg: () => this.exporter.svg(),
        stepWidth: (step) => style.stepWidth(step),
        nudgeSelection: (dx, dy) => modes.select.nudge(dx, dy),
        arrangeSelection: (where) => this.arrangeSelection(where),
      }),
    );
    installShortcutSheet(byId<HTMLDialogElement>("shortcut-sheet"), byId("shortcut-list"));
    addEventListener("keydown", (e) => {
      this.modifiers.shift = e.shiftKey;
      if (e.code !== "Space" || isTypingIn(e) || document.querySelector("dialog[open]")) return;
      e.preventDefault();
      modes.startSpacePan();
    });
    addEventListener("keyup", (e) => {
      this.modifiers.shift = e.shiftKey;
      if (e.code === "Space") modes.endSpacePan();
    });
  }

  // --- Clipboard (issue 13)
  private installClipboard(): void {
    const { modes } = this;
    this.clipboard = installClipboard({
      editor: this.editor,
      board: this.displayed,
      style: this.style,
      selection: () => modes.select.selection(),
      select: (ids) => {
        modes.choose("select");
        modes.select.select(ids);
      },
      view: () => {
        const { width, height } = this.viewSize();
        return this.viewport.visibleRect(width, height);
      },
      pointer: () => this.pointer,
      room: () => LIMITS.maxItemsPerBoard - this.session.model.items.size - this.session.outbox.size,
      notify: (message, kind) => this.toasts.show(message, kind),
    });
  }
  // --- end of clipboard

  private installHook(): void {
    const { session, displayed, viewport } = this;
    installTestHook({
      head: () => session.head,
      itemCount: () => displayed.count,
      pending: () => session.outbox.size,
      outbox: () => session.outbox.state(),
      node: () => session.node,
      status: () => session.status,
      view: () => ({ offsetX: viewport.offsetX, offsetY: viewport.offsetY, zoom: viewport.zoom }),
      items: () => displayed.items().map((i) => structuredClone(i)),
      tool: () => this.modes.tool.id,
      readOnly: () => this.editor.readOnly,
      previews: () => [...this.peerPreviews.entries()].map(({ sessionId, preview }) => ({ sessionId, ...structuredClone(preview) })),
    });
  }

  private rename(value: string): string {
    this.myName = saveName(cleanName(value) || this.myName);
    this.session.setName(this.myName);
    return this.myName;
  }

  private visibleScene(): readonly Item[] {
    const items = this.displayed.items();
    const hidden = this.hiddenItems;
    if (!hidden) return items;
    // Same inputs, same array: the renderer then knows nothing changed.
    if (this.sceneItems?.from !== items || this.sceneItems.hidden !== hidden) {
      this.sceneItems = { from: items, hidden, items: items.filter((i) => !hidden.has(i.id)) };
    }
    return this.sceneItems.items;
  }

  private undo(): void {
    this.input.interrupt();
    this.textField.commit();
    this.editor.undo();
  }

  private redo(): void {
    this.input.interrupt();
    this.textField.commit();
    this.editor.redo();
  }

  // --- Paint order (issue 13)
  private arrangeSelection(where: Placement): void {
    const ids = new Set(this.modes.select.selection().map((i) => i.id));
    if (ids.size === 0) {
      this.toasts.show(`Select something first (V), then ${where === "front" ? "bring it to the front" : "send it to the back"}.`, "info");
      return;
    }
    if (arrange(this.displayed, this.editor, ids, where)) this.frames.request();
  }
  // --- end of paint order

  private refreshHistory(): void {
    this.toolbar.setHistory(this.editor.history.canUndo, this.editor.history.canRedo);
  }

  private async clearBoard(): Promise<void> {
    if (this.displayed.count === 0) {
      this.toasts.show("The board is already empty.", "info");
      return;
    }
    if (await confirmWith(byId<HTMLDialogElement>("confirm-clear"))) this.editor.clear();
  }

  private viewSize(): { width: number; height: number } {
    return { width: this.boardEl.clientWidth, height: this.boardEl.clientHeight };
  }

  private zoomBy(factor: number): void {
    const { width, height } = this.viewSize();
    this.viewport.zoomAt(width / 2, height / 2, this.viewport.zoom * factor);
  }

  private fitToContent(): void {
    const bounds = unionBounds(this.displayed.items());
    if (!bounds) {
      this.viewport.reset();
      return;
    }
    const { width, height } = this.viewSize();
    this.viewport.fit(bounds, width, height);
  }

  private resize(): void {
    const w = this.boardEl.clientWidth;
    const h = this.boardEl.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    this.sceneLayer.resize(w, h, dpr);
    this.inkLayer.resize(w, h, dpr);
    this.input.measure();
    this.scene.invalidateView();
    // Repaint now: resizing a canvas clears it, and a blank frame would flash.
    this.scene.render();
    this.frames.request();
  }

  private watchPixelRatio(): void {
    const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    mq.addEventListener(
      "change",
      () => {
        this.resize();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }

  private onViewportChange(): void {
    const { viewport, boardEl } = this;
    const size = GRID_SPACING * viewport.zoom;
    boardEl.style.setProperty("--grid-size", `${size}px`);
    boardEl.style.setProperty("--grid-x", `${-(viewport.offsetX * viewport.zoom) % size}px`);
    boardEl.style.setProperty("--grid-y", `${-(viewport.offsetY * viewport.zoom) % size}px`);
    this.scene.invalidateView();
    this.cursors.reposition();
    this.frames.request();
  }
}

/** Development builds check what the server sends (browser/dev-payload-checks.ts); production sends it straight on. */
function withDevChecks(wire: WireFactory): WireFactory {
  const checks = devPayloadChecks();
  return checks ? checkedWire(wire, checks) : wire;
}

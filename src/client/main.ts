/** Wires the board page together: nothing here decides, it only connects the parts. */
import { boardUrl, resolveBoardId } from "./board-address.js";
import { BoardEditor } from "./board/board-editor.js";
import { DisplayedBoard } from "./board/displayed-board.js";
import { CanvasLayer } from "./canvas/canvas-layer.js";
import { FrameLoop } from "./canvas/frame-loop.js";
import { PeerDrafts } from "./canvas/peer-drafts.js";
import { download, exportPng } from "./canvas/png-export.js";
import { SceneRenderer } from "./canvas/scene-renderer.js";
import { Viewport } from "./canvas/viewport.js";
import { cleanName, loadClientId, loadName, saveName } from "./identity.js";
import { PointerInput } from "./input/pointer-input.js";
import { installShortcuts, type Shortcut } from "./input/shortcuts.js";
import { BoardSession } from "./sync/board-session.js";
import { CursorBroadcast } from "./sync/cursor-broadcast.js";
import { installTestHook } from "./test-hook.js";
import { PALETTE, DrawingStyle } from "./tools/drawing-style.js";
import { EraserTool } from "./tools/eraser-tool.js";
import { PenTool } from "./tools/pen-tool.js";
import type { Tool, ToolHost, ToolId } from "./tools/tool.js";
import { confirmWith } from "./ui/confirm-dialog.js";
import { ConnectionBadge } from "./ui/connection-badge.js";
import { byId } from "./ui/dom.js";
import { PeerCursors } from "./ui/peer-cursors.js";
import { PresencePanel } from "./ui/presence-panel.js";
import { copyText } from "./ui/share-link.js";
import { Toasts } from "./ui/toasts.js";
import { Toolbar } from "./ui/toolbar.js";

const EXPORT_BACKGROUND = "#ffffff";
const GRID_SPACING = 24;

const boardId = resolveBoardId();
const clientId = loadClientId();
let myName = loadName();

const boardEl = byId("board");
const viewport = new Viewport();
const sceneLayer = new CanvasLayer(byId<HTMLCanvasElement>("scene"));
const inkLayer = new CanvasLayer(byId<HTMLCanvasElement>("ink"));
const toasts = new Toasts(byId("toasts"));
const badge = new ConnectionBadge(byId("connection"), byId("connection-text"));
const peerDrafts = new PeerDrafts();
const style = new DrawingStyle();

const presence = new PresencePanel(
  {
    button: byId<HTMLButtonElement>("people-button"),
    panel: byId("people-panel"),
    avatars: byId("avatars"),
    count: byId("people-count"),
    list: byId("people-list"),
    nameInput: byId<HTMLInputElement>("name-input"),
  },
  myName,
  (value) => {
    myName = saveName(cleanName(value) || myName);
    session.setName(myName);
    return myName;
  },
);
const cursors = new PeerCursors(byId("cursors"), viewport, (id) => presence.peer(id));

const session: BoardSession = new BoardSession(boardId, clientId, myName, {
  boardChanged: () => {
    displayed.invalidate();
    frames.request();
  },
  opsApplied: (ops) => {
    let dropped = false;
    for (const s of ops) if (s.op.type === "add") dropped = peerDrafts.dropItem(s.op.item.id) || dropped;
    if (dropped) frames.request();
  },
  status: (s) => badge.setStatus(s),
  welcome: (w) => {
    badge.setNode(w.node);
    presence.setSelf(w.sessionId);
    if (w.readOnly && !editor.readOnly) toasts.show("This board is view-only.");
    editor.readOnly = w.readOnly;
    toolbar.setReadOnly(w.readOnly);
    boardEl.toggleAttribute("data-readonly", w.readOnly);
    refreshHistory();
  },
  presence: (peers) => {
    presence.setPeers(peers);
    cursors.retain(peers);
    if (peerDrafts.retainSessions(new Set(peers.map((p) => p.sessionId)))) frames.request();
  },
  draft: (d) => {
    if (session.sequencer.model.items.has(d.itemId)) return; // already committed
    peerDrafts.accept(d);
    frames.request();
  },
  cursor: (c) => {
    if (c.sessionId !== session.sessionId) cursors.move(c.sessionId, c.cursor);
  },
  problem: (message, kind = "error") => toasts.show(message, kind),
});

const displayed = new DisplayedBoard(
  () => session.sequencer.model,
  () => session.outbox.ops(),
);
const editor = new BoardEditor(displayed, (op) => session.submit(op), { historyChanged: () => refreshHistory() });
const scene = new SceneRenderer(sceneLayer, viewport, () => displayed.items());

const host: ToolHost = {
  style,
  editor,
  board: displayed,
  viewport,
  sendDraft: (d) => session.sendDraft(d),
  requestFrame: () => frames.request(),
};
const tools: Record<ToolId, Tool> = { pen: new PenTool(host), eraser: new EraserTool(host) };
let tool: Tool = tools.pen;

const frames = new FrameLoop((now) => {
  tool.frame?.(now);
  scene.render();
  inkLayer.clear();
  const ctx = inkLayer.enterBoardSpace(viewport);
  peerDrafts.draw(ctx);
  tool.drawLive?.(ctx);
});

const cursorOut = new CursorBroadcast((c) => session.sendCursor(c));
const input = new PointerInput(inkLayer.canvas, viewport, {
  tool: () => tool,
  canEdit: () => !editor.readOnly,
  cursor: (p) => cursorOut.update(p && { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 }),
});

const toolbar = new Toolbar(byId("toolbar-root"), style, {
  selectTool,
  undo,
  redo,
  exportPng: () => void exportBoard(),
  clear: () => void clearBoard(),
});

function selectTool(id: ToolId): void {
  if (tool.id === id) return;
  input.interrupt();
  tool.hover?.(null);
  tool = tools[id];
  boardEl.dataset.tool = id;
  toolbar.setTool(id);
  frames.request();
}

function undo(): void {
  input.interrupt();
  editor.undo();
}

function redo(): void {
  input.interrupt();
  editor.redo();
}

function refreshHistory(): void {
  toolbar.setHistory(editor.history.canUndo, editor.history.canRedo);
}

async function clearBoard(): Promise<void> {
  if (displayed.count === 0) {
    toasts.show("The board is already empty.", "info");
    return;
  }
  if (await confirmWith(byId<HTMLDialogElement>("confirm-clear"))) editor.clear();
}

async function exportBoard(): Promise<void> {
  const blob = await exportPng(displayed.items(), EXPORT_BACKGROUND);
  if (!blob) {
    toasts.show("Nothing to export yet: draw something first.", "info");
    return;
  }
  download(blob, `meshboard-${boardId}.png`);
  toasts.show("Exported as PNG.", "info");
}

async function shareLink(): Promise<void> {
  const url = boardUrl(boardId);
  if (await copyText(url)) toasts.show("Link copied — share it to draw together.", "info");
  else toasts.show(`Copy this link: ${url}`, "info");
}
byId("share").addEventListener("click", () => void shareLink());

function resize(): void {
  const w = boardEl.clientWidth;
  const h = boardEl.clientHeight;
  const dpr = window.devicePixelRatio || 1;
  sceneLayer.resize(w, h, dpr);
  inkLayer.resize(w, h, dpr);
  input.measure();
  scene.invalidateView();
  // Repaint now: resizing a canvas clears it, and a blank frame would flash.
  scene.render();
  frames.request();
}

function watchPixelRatio(): void {
  const mq = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
  mq.addEventListener("change", () => {
    resize();
    watchPixelRatio();
  }, { once: true });
}

function onViewportChange(): void {
  const size = GRID_SPACING * viewport.zoom;
  boardEl.style.setProperty("--grid-size", `${size}px`);
  boardEl.style.setProperty("--grid-x", `${-(viewport.offsetX * viewport.zoom) % size}px`);
  boardEl.style.setProperty("--grid-y", `${-(viewport.offsetY * viewport.zoom) % size}px`);
  scene.invalidateView();
  cursors.reposition();
  frames.request();
}

const shortcuts: Shortcut[] = [
  { key: "p", run: () => selectTool("pen") },
  { key: "e", run: () => selectTool("eraser") },
  { key: "z", mod: true, run: undo },
  { key: "z", mod: true, shift: true, run: redo },
  { key: "y", mod: true, run: redo },
  { key: "e", mod: true, shift: true, run: () => void exportBoard() },
  { key: "[", run: () => style.stepWidth(-1) },
  { key: "]", run: () => style.stepWidth(1) },
  ...PALETTE.map((s, i) => ({ key: String(i + 1), run: () => (style.setColor(s.color), selectTool("pen")) })),
];

installShortcuts(shortcuts);
addEventListener("resize", resize);
watchPixelRatio();
viewport.onChange(onViewportChange);
onViewportChange();
resize();
boardEl.dataset.tool = tool.id;
// Hide our cursor from others when this tab is not being looked at.
addEventListener("blur", () => cursorOut.update(null));
setInterval(() => {
  if (peerDrafts.pruneStale()) frames.request();
}, 1_000);

installTestHook({
  head: () => session.sequencer.head,
  itemCount: () => displayed.count,
  pending: () => session.outbox.size,
  node: () => session.node,
  status: () => session.status,
});

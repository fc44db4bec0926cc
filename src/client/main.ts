/** Wires the board page together: nothing here decides, it only connects the parts. */
import { boardUrl, readAccessToken, resolveBoardId } from "./board-address.js";
import { BoardEditor } from "./board/board-editor.js";
import { DisplayedBoard } from "./board/displayed-board.js";
import { CanvasLayer } from "./canvas/canvas-layer.js";
import { FrameLoop } from "./canvas/frame-loop.js";
import { PeerDrafts } from "./canvas/peer-drafts.js";
import { download, exportPng } from "./canvas/png-export.js";
import { SceneRenderer } from "./canvas/scene-renderer.js";
import { Viewport, ZOOM_STEP } from "./canvas/viewport.js";
import { renderSvg } from "../shared/svg-export.js";
import type { Item } from "../shared/protocol.js";
import { cleanName, loadClientId, loadName, saveName } from "./identity.js";
import { PointerInput } from "./input/pointer-input.js";
import { unionBounds } from "./board/item-geometry.js";
import { installShortcuts, isTypingIn, type Shortcut } from "./input/shortcuts.js";
import { installWheelZoom } from "./input/wheel-zoom.js";
import { BoardSession } from "./sync/board-session.js";
import { CursorBroadcast } from "./sync/cursor-broadcast.js";
import { installTestHook } from "./test-hook.js";
import { PALETTE, DrawingStyle } from "./tools/drawing-style.js";
import { EraserTool } from "./tools/eraser-tool.js";
import { HandTool } from "./tools/hand-tool.js";
import { PenTool } from "./tools/pen-tool.js";
import { SelectTool } from "./tools/select-tool.js";
import { ShapeTool } from "./tools/shape-tool.js";
import { TextTool } from "./tools/text-tool.js";
import type { Modifiers, Tool, ToolHost, ToolId } from "./tools/tool.js";
import { confirmWith } from "./ui/confirm-dialog.js";
import { ConnectionBadge } from "./ui/connection-badge.js";
import { byId } from "./ui/dom.js";
import { PeerCursors } from "./ui/peer-cursors.js";
import { PresencePanel } from "./ui/presence-panel.js";
import { ShareMenu } from "./ui/share-link.js";
import { TextField } from "./ui/text-field.js";
import { Toasts } from "./ui/toasts.js";
import { Toolbar } from "./ui/toolbar.js";
import { installZoomControls } from "./ui/zoom-controls.js";

const EXPORT_BACKGROUND = "#ffffff";
const GRID_SPACING = 24;

const boardId = resolveBoardId();
/** The link's access token (access control on), or undefined. */
const accessToken = readAccessToken();
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
    if (!toolbar.allows(tool.id)) selectTool("hand");
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
  cursor: (c) => cursors.move(c.sessionId, c.cursor),
  problem: (message, kind = "error") => toasts.show(message, kind),
}, accessToken);

const displayed = new DisplayedBoard(
  () => session.sequencer.model,
  () => session.outbox.ops(),
);
const editor = new BoardEditor(displayed, (op) => session.submit(op), { historyChanged: () => refreshHistory() });
/** Items a tool is showing itself (being moved or edited) are left out of the scene meanwhile. */
let hiddenItems: ReadonlySet<string> | null = null;
let sceneItems: { from: readonly Item[]; hidden: ReadonlySet<string>; items: readonly Item[] } | null = null;
function visibleScene(): readonly Item[] {
  const items = displayed.items();
  if (!hiddenItems) return items;
  // Same inputs, same array: the renderer then knows nothing changed.
  if (sceneItems?.from !== items || sceneItems.hidden !== hiddenItems) {
    const hidden = hiddenItems;
    sceneItems = { from: items, hidden, items: items.filter((i) => !hidden.has(i.id)) };
  }
  return sceneItems.items;
}
const scene = new SceneRenderer(sceneLayer, viewport, visibleScene);
const modifiers: Modifiers = { shift: false };
const textField = new TextField(boardEl, viewport);

const host: ToolHost = {
  style,
  editor,
  board: displayed,
  viewport,
  modifiers,
  sendDraft: (d) => session.sendDraft(d),
  requestFrame: () => frames.request(),
  hideItems: (ids) => {
    hiddenItems = ids && ids.size ? new Set(ids) : null;
    frames.request();
  },
  editText: (item) => {
    selectTool("text");
    textTool.edit(item);
  },
  notify: (message) => toasts.show(message, "info"),
};
const selectToolImpl = new SelectTool(host);
const handTool = new HandTool(viewport);
const textTool = new TextTool(host, textField);
const tools: Record<ToolId, Tool> = {
  select: selectToolImpl,
  hand: handTool,
  pen: new PenTool(host),
  line: new ShapeTool("line", host),
  arrow: new ShapeTool("arrow", host),
  rect: new ShapeTool("rect", host),
  ellipse: new ShapeTool("ellipse", host),
  text: textTool,
  eraser: new EraserTool(host),
};
let tool: Tool = tools.pen;
/** Space held: the pointer pans whatever the tool (released: back to the tool). */
let spacePan = false;

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
  tool: () => (spacePan ? handTool : tool),
  panTool: () => handTool,
  modifiers,
  canEdit: () => !editor.readOnly,
  cursor: (p) => cursorOut.update(p && { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 }),
});

const toolbar = new Toolbar(byId("toolbar-root"), style, {
  selectTool,
  undo,
  redo,
  exportPng: () => void exportBoard(),
  exportSvg: () => exportBoardSvg(),
  clear: () => void clearBoard(),
});

function selectTool(id: ToolId): void {
  if (tool.id === id || !toolbar.allows(id)) return;
  input.interrupt();
  tool.hover?.(null);
  tool.deactivate?.();
  tool = tools[id];
  showCursor();
  toolbar.setTool(id);
  frames.request();
}

function showCursor(): void {
  boardEl.dataset.tool = spacePan ? "hand" : tool.id;
}

function undo(): void {
  input.interrupt();
  textField.commit();
  editor.undo();
}

function redo(): void {
  input.interrupt();
  textField.commit();
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

function exportBoardSvg(): void {
  const items = displayed.items();
  if (items.length === 0) {
    toasts.show("Nothing to export yet: draw something first.", "info");
    return;
  }
  const svg = renderSvg(items, { background: EXPORT_BACKGROUND });
  download(new Blob([svg], { type: "image/svg+xml" }), `meshboard-${boardId}.svg`);
  toasts.show("Exported as SVG.", "info");
}

function viewSize(): { width: number; height: number } {
  return { width: boardEl.clientWidth, height: boardEl.clientHeight };
}

function zoomBy(factor: number): void {
  const { width, height } = viewSize();
  viewport.zoomAt(width / 2, height / 2, viewport.zoom * factor);
}

function fitToContent(): void {
  const bounds = unionBounds(displayed.items());
  if (!bounds) {
    viewport.reset();
    return;
  }
  const { width, height } = viewSize();
  viewport.fit(bounds, width, height);
}

new ShareMenu(
  { button: byId<HTMLButtonElement>("share"), menu: byId("share-menu"), options: byId("share-options") },
  { boardId, token: accessToken, plainUrl: boardUrl(boardId), notify: (message, kind) => toasts.show(message, kind) },
);

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

/** A shortcut that changes the board or picks an editing tool: does nothing in a view-only session. */
const editing = (run: () => void) => (): void => {
  if (!editor.readOnly) run();
};

const shortcuts: Shortcut[] = [
  { key: "v", run: editing(() => selectTool("select")) },
  { key: "h", run: () => selectTool("hand") },
  { key: "p", run: editing(() => selectTool("pen")) },
  { key: "l", run: editing(() => selectTool("line")) },
  { key: "a", run: editing(() => selectTool("arrow")) },
  { key: "r", run: editing(() => selectTool("rect")) },
  { key: "o", run: editing(() => selectTool("ellipse")) },
  { key: "t", run: editing(() => selectTool("text")) },
  { key: "e", run: editing(() => selectTool("eraser")) },
  { key: "delete", run: editing(() => selectToolImpl.deleteSelection()) },
  { key: "backspace", run: editing(() => selectToolImpl.deleteSelection()) },
  { key: "d", mod: true, run: editing(() => selectToolImpl.duplicateSelection()) },
  { key: "a", mod: true, run: editing(() => (selectTool("select"), selectToolImpl.selectAll())) },
  { key: "escape", run: () => selectToolImpl.select([]) },
  { key: "=", run: () => zoomBy(ZOOM_STEP) },
  { key: "+", shift: true, run: () => zoomBy(ZOOM_STEP) },
  { key: "+", run: () => zoomBy(ZOOM_STEP) },
  { key: "-", run: () => zoomBy(1 / ZOOM_STEP) },
  { key: "0", code: "Digit0", shift: true, run: () => viewport.reset() },
  { key: "1", code: "Digit1", shift: true, run: fitToContent },
  { key: "s", mod: true, shift: true, run: exportBoardSvg },
  { key: "z", mod: true, run: editing(undo) },
  { key: "z", mod: true, shift: true, run: editing(redo) },
  { key: "y", mod: true, run: editing(redo) },
  { key: "e", mod: true, shift: true, run: () => void exportBoard() },
  { key: "[", run: editing(() => style.stepWidth(-1)) },
  { key: "]", run: editing(() => style.stepWidth(1)) },
  ...PALETTE.map((s, i) => ({
    key: String(i + 1),
    run: editing(() => {
      style.setColor(s.color);
      if (!["pen", "line", "arrow", "rect", "ellipse", "text"].includes(tool.id)) selectTool("pen");
    }),
  })),
];

installShortcuts(shortcuts);
installWheelZoom(inkLayer.canvas, viewport);
installZoomControls(viewport, { zoomBy, reset: () => viewport.reset(), fit: fitToContent }, ZOOM_STEP);
addEventListener("keydown", (e) => {
  modifiers.shift = e.shiftKey;
  if (e.code !== "Space" || isTypingIn(e) || document.querySelector("dialog[open]")) return;
  e.preventDefault();
  if (!spacePan && !input.drawing) {
    spacePan = true;
    showCursor();
  }
});
addEventListener("keyup", (e) => {
  modifiers.shift = e.shiftKey;
  if (e.code !== "Space" || !spacePan) return;
  if (input.drawing) input.interrupt();
  spacePan = false;
  showCursor();
});
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
  view: () => ({ offsetX: viewport.offsetX, offsetY: viewport.offsetY, zoom: viewport.zoom }),
  items: () => displayed.items().map((i) => structuredClone(i)),
  tool: () => tool.id,
  readOnly: () => editor.readOnly,
});

/**
 * Which tool the pointer uses: the chosen tool, or the hand while Space is
 * held (released: back to the tool). Switching interrupts a gesture under way
 * and tells the toolbar and the canvas's cursor.
 */
import { EraserTool } from "../tools/eraser-tool.js";
import { HandTool } from "../tools/hand-tool.js";
import { PenTool } from "../tools/pen-tool.js";
import { SelectTool } from "../tools/select-tool.js";
import { ShapeTool } from "../tools/shape-tool.js";
import { TextTool } from "../tools/text-tool.js";
import type { Tool, ToolHost, ToolId } from "../tools/tool.js";
import type { Viewport } from "../canvas/viewport.js";
import type { TextField } from "../ui/text-field.js";

/** Tools that draw with the colour and width. */
const STYLED: ReadonlySet<ToolId> = new Set<ToolId>(["pen", "line", "arrow", "rect", "ellipse", "text"]);

export interface ToolModeHooks {
  /** Whether the tool may be picked now (a view-only board allows only looking). */
  allows(id: ToolId): boolean;
  /** Ends the pointer gesture under way. */
  interrupt(): void;
  /** Whether a pointer gesture is under way. */
  drawing(): boolean;
  changed(id: ToolId): void;
  /** The cursor to show: the active tool's, or the hand's while panning. */
  showCursor(id: ToolId): void;
}

export class ToolModes {
  readonly select: SelectTool;
  readonly hand: HandTool;
  readonly text: TextTool;
  private readonly tools: Record<ToolId, Tool>;
  private current: Tool;
  private spacePan = false;

  constructor(host: ToolHost, viewport: Viewport, textField: TextField, private readonly hooks: ToolModeHooks) {
    this.select = new SelectTool(host);
    this.hand = new HandTool(viewport);
    this.text = new TextTool(host, textField);
    this.tools = {
      select: this.select,
      hand: this.hand,
      pen: new PenTool(host),
      line: new ShapeTool("line", host),
      arrow: new ShapeTool("arrow", host),
      rect: new ShapeTool("rect", host),
      ellipse: new ShapeTool("ellipse", host),
      text: this.text,
      eraser: new EraserTool(host),
    };
    this.current = this.tools.pen;
  }

  /** The chosen tool. */
  get tool(): Tool {
    return this.current;
  }

  /** The tool the pointer drives now. */
  get pointerTool(): Tool {
    return this.spacePan ? this.hand : this.current;
  }

  choose(id: ToolId): void {
    if (this.current.id === id || !this.hooks.allows(id)) return;
    this.hooks.interrupt();
    this.current.hover?.(null);
    this.current.deactivate?.();
    this.current = this.tools[id];
    this.hooks.showCursor(this.cursor());
    this.hooks.changed(id);
  }

  /** A colour was picked: a tool without colour gives way to the pen. */
  colorPicked(): void {
    if (!STYLED.has(this.current.id) && !this.stylesSelection()) this.choose("pen");
  }

  /** The select tool holds a selection: a colour, width or fill picked now restyles it. */
  stylesSelection(): boolean {
    return this.current.id === "select" && this.select.selection().length > 0;
  }

  /** The tool no longer allowed (the board became view-only): fall back to looking. */
  recheck(): void {
    if (!this.hooks.allows(this.current.id)) this.choose("hand");
  }

  /** Space pressed: pan with whatever tool, unless a gesture is under way. */
  startSpacePan(): void {
    if (this.spacePan || this.hooks.drawing()) return;
    this.spacePan = true;
    this.hooks.showCursor(this.cursor());
  }

  endSpacePan(): void {
    if (!this.spacePan) return;
    if (this.hooks.drawing()) this.hooks.interrupt();
    this.spacePan = false;
    this.hooks.showCursor(this.cursor());
  }

  cursor(): ToolId {
    return this.spacePan ? "hand" : this.current.id;
  }
}

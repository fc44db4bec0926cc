/**
 * The on-board text editor: a textarea laid over the canvas where the text will
 * be, in the text's font and colour, scaled with the view. What is typed stays a
 * value (never markup); it becomes a board item only when the field is committed.
 */
import { TEXT_FONT_FAMILY, TEXT_LINE_HEIGHT } from "../../shared/item-layout.js";
import { LIMITS } from "../../shared/protocol-constants.js";
import type { Viewport } from "../canvas/viewport.js";

export interface TextFieldSpec {
  x: number;
  y: number;
  size: number;
  color: string;
  text: string;
  /** Called once with the final text (Escape, Ctrl+Enter, or a click elsewhere). */
  done(text: string): void;
  /** The text reached the length limit. */
  full(): void;
  /** The text as it is being typed (live previews). */
  changed?(text: string): void;
  /** Where the text wraps (board pixels) as it reads now; undefined: it does not (issue 13). */
  wrapWidth?(text: string): number | undefined;
}

export class TextField {
  private readonly area: HTMLTextAreaElement;
  private spec: TextFieldSpec | null = null;

  constructor(
    container: HTMLElement,
    private readonly viewport: Viewport,
  ) {
    const area = document.createElement("textarea");
    area.className = "text-field";
    area.hidden = true;
    area.wrap = "off";
    area.spellcheck = false;
    area.maxLength = LIMITS.maxTextLength;
    area.setAttribute("aria-label", "Text");
    area.addEventListener("input", () => {
      this.fit();
      if (area.value.length >= LIMITS.maxTextLength) this.spec?.full();
      this.spec?.changed?.(area.value);
    });
    area.addEventListener("keydown", (e) => {
      if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        this.commit();
      }
      // Keys typed here are text, not shortcuts.
      e.stopPropagation();
    });
    area.addEventListener("blur", () => this.commit());
    container.append(area);
    this.area = area;
    viewport.onChange(() => this.place());
  }

  get open(): boolean {
    return this.spec !== null;
  }

  show(spec: TextFieldSpec): void {
    this.commit();
    this.spec = spec;
    const a = this.area;
    a.value = spec.text;
    a.style.color = spec.color;
    a.hidden = false;
    this.place();
    a.focus();
    a.setSelectionRange(a.value.length, a.value.length);
  }

  /** Closes the field and hands over its text (normalised: "\n" line breaks, no trailing blank lines). */
  commit(): void {
    const spec = this.spec;
    if (!spec) return;
    this.spec = null;
    const text = this.area.value.replace(/\r\n?/g, "\n").replace(/\s+$/, "");
    this.area.hidden = true;
    this.area.blur();
    spec.done(text);
  }

  private place(): void {
    const spec = this.spec;
    if (!spec) return;
    const z = this.viewport.zoom;
    const p = this.viewport.toScreen(spec.x, spec.y);
    const s = this.area.style;
    s.left = `${p.x}px`;
    s.top = `${p.y}px`;
    s.font = `${spec.size * z}px/${TEXT_LINE_HEIGHT} ${TEXT_FONT_FAMILY}`;
    this.fit();
  }

  /** Grows the field with its content (across only up to the text's wrap width, if it has one). */
  private fit(): void {
    const a = this.area;
    const z = this.viewport.zoom;
    const size = (this.spec?.size ?? 16) * z;
    const wrap = this.spec?.wrapWidth?.(a.value);
    a.wrap = wrap === undefined ? "off" : "soft";
    a.style.width = wrap === undefined ? "0px" : `${wrap * z + size}px`;
    a.style.height = "0px";
    if (wrap === undefined) a.style.width = `${Math.max(a.scrollWidth, size) + size}px`;
    a.style.height = `${a.scrollHeight}px`;
  }
}

/** The colour, width and fill new ink and shapes get, and the choices offered. */
import type { Fill } from "../../shared/protocol.js";

export interface Swatch {
  name: string;
  color: string;
}

/** The classic socket.io demo's five, tuned to look good on a light board, plus a few more. */
export const PALETTE: readonly Swatch[] = [
  { name: "Black", color: "#1e1e24" },
  { name: "Red", color: "#e03131" },
  { name: "Green", color: "#2f9e44" },
  { name: "Blue", color: "#1c7ed6" },
  { name: "Yellow", color: "#fab005" },
  { name: "Orange", color: "#f76707" },
  { name: "Purple", color: "#9c36b5" },
  { name: "Grey", color: "#868e96" },
];

/** Line widths, and the font size a text gets at each (text size follows the width setting). */
export const WIDTHS: readonly { name: string; width: number; fontSize: number }[] = [
  { name: "Fine", width: 2, fontSize: 16 },
  { name: "Medium", width: 4, fontSize: 24 },
  { name: "Bold", width: 8, fontSize: 36 },
  { name: "Marker", width: 16, fontSize: 56 },
];

/** Fills offered for rectangles and ellipses. */
export const FILL_CHOICES: readonly { name: string; fill: Fill }[] = [
  { name: "No fill", fill: "none" },
  { name: "Translucent fill", fill: "translucent" },
  { name: "Solid fill", fill: "solid" },
];

export class DrawingStyle {
  color = PALETTE[0].color;
  width = WIDTHS[1].width;
  fill: Fill = "none";
  private readonly listeners = new Set<() => void>();

  /** Font size for new text at the current width. */
  get fontSize(): number {
    return WIDTHS.find((w) => w.width === this.width)?.fontSize ?? WIDTHS[0].fontSize;
  }

  setColor(color: string): void {
    this.color = color;
    this.emit();
  }

  setFill(fill: Fill): void {
    this.fill = fill;
    this.emit();
  }

  setWidth(width: number): void {
    this.width = width;
    this.emit();
  }

  /** Steps through WIDTHS (for the [ and ] shortcuts). */
  stepWidth(delta: number): void {
    const i = WIDTHS.findIndex((w) => w.width === this.width);
    const next = WIDTHS[Math.max(0, Math.min(WIDTHS.length - 1, i + delta))];
    this.setWidth(next.width);
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/**
 * The wheel's zoom curve (10 % per mouse notch, a pinch follows the fingers) and
 * axes, and the shortcut sheet's list against the README's table.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wheelPixels, wheelZoomFactor } from "../../src/client/input/wheel-navigation.js";
import { SHORTCUT_ROWS } from "../../src/client/ui/shortcut-list.js";

describe("Ctrl/Cmd+wheel zoom", () => {
  it("zooms 10 % per 100 px notch, in and out alike, and in proportion beyond one notch", () => {
    expect(wheelZoomFactor(-100)).toBeCloseTo(1.1, 6);
    expect(wheelZoomFactor(100)).toBeCloseTo(1 / 1.1, 6);
    expect(wheelZoomFactor(-300)).toBeCloseTo(1.1 ** 3, 6);
    expect(wheelZoomFactor(-120)).toBeCloseTo(1.1 ** 1.2, 6);
    expect(wheelZoomFactor(0)).toBe(1);
  });

  it("follows a pinch's small deltas as Chromium reports them (delta = -100·ln scale)", () => {
    for (const scale of [1.01, 1.05, 1.09]) expect(wheelZoomFactor(-100 * Math.log(scale))).toBeCloseTo(scale, 9);
  });

  it("is continuous and never zooms less for a bigger delta", () => {
    let last = 1;
    for (let d = 0; d <= 1000; d += 0.25) {
      const f = wheelZoomFactor(-d);
      expect(f).toBeGreaterThanOrEqual(last);
      expect(f - last).toBeLessThan(0.01);
      last = f;
    }
  });
});

describe("wheel panning", () => {
  it("reads pixels, lines and pages, and turns Shift+wheel sideways", () => {
    expect(wheelPixels({ deltaX: 3, deltaY: 40, deltaMode: 0, shiftKey: false }, 800)).toEqual({ x: 3, y: 40 });
    expect(wheelPixels({ deltaX: 0, deltaY: 3, deltaMode: 1, shiftKey: false }, 800)).toEqual({ x: 0, y: 48 });
    expect(wheelPixels({ deltaX: 0, deltaY: 1, deltaMode: 2, shiftKey: false }, 800)).toEqual({ x: 0, y: 800 });
    expect(wheelPixels({ deltaX: 0, deltaY: 100, deltaMode: 0, shiftKey: true }, 800)).toEqual({ x: 100, y: 0 });
    // A browser that already swapped the axes for Shift is left alone.
    expect(wheelPixels({ deltaX: 100, deltaY: 0, deltaMode: 0, shiftKey: true }, 800)).toEqual({ x: 100, y: 0 });
  });
});

describe("the shortcut sheet", () => {
  it("lists exactly the README's shortcut table, row for row", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Keyboard shortcuts"));
    const rows = section
      .slice(section.indexOf("| key | action |"))
      .split("\n\n")[0]
      .split("\n")
      .slice(2)
      .map((line) => {
        const [keys, action] = line.slice(2, -2).split(" | ");
        return { keys, action };
      });
    expect(rows).toEqual(SHORTCUT_ROWS);
  });
});

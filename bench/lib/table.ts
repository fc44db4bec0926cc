/** Plain-text tables for the terminal (and Markdown for BENCHMARKS.md). */
export function renderTable(header: string[], rows: Array<Array<string | number>>, markdown = false): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: Array<string | number>) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(markdown ? " | " : "  ");
  if (markdown) {
    const sep = widths.map((w, i) => (i === 0 ? "-".repeat(w) : "-".repeat(Math.max(1, w - 1)) + ":")).join(" | ");
    return [`| ${line(cells[0])} |`, `| ${sep} |`, ...cells.slice(1).map((r) => `| ${line(r)} |`)].join("\n");
  }
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function formatNumber(v: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  if (Math.abs(v) >= 100_000) return `${(v / 1000).toFixed(0)}k`;
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Small server-rendered pages (errors). The board page itself is the built client. */
export function errorPage(status: number, title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · meshboard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f8f9fa;color:#212529;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:32rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001}a{color:#1971c2}</style></head>
<body><main><h1>${status} · ${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="/">Start a new board</a></p></main></body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// What the page is made of, all served by this process (nothing from the network, so the page
// works offline and the CSP can forbid every other source): the HTML shell and stylesheet here,
// and the client's ES modules, compiled by `tsc -p lib/serve/client` into dist/lib/serve/client/.
// Only files of that folder named like a module are served; they are read once, then kept.

import { readFile } from 'node:fs/promises';

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>git-trace</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body data-state="loading">
<header>
<span class="brand">git-trace</span>
<nav><a href="#/sessions" data-nav="sessions">Sessions</a><a href="#/files" data-nav="files">Files</a><a href="#/survival" data-nav="survival">Survival</a></nav>
<span class="muted ro">read-only</span>
</header>
<main id="main"><p class="muted">loading…</p></main>
</body>
</html>
`;

const CSS = `
:root { --fg: #1d2330; --muted: #6b7385; --line: #e3e6ec; --bg: #fbfbfd; --card: #fff; --add: #e6f6ea; --del: #fdecec; --accent: #3759d7;
  --alive: #2e9d57; --moved: #56b37e; --transformed: #2a9bb5; --partial: #d7a21d; --reverted: #a04fc4; --lost: #d2463f; --unknown: #a8adb8;
  --agent: #3759d7; --human: #c5cad6; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: var(--fg); background: var(--bg); }
body { margin: 0; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #1d2330; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .02em; }
header nav a { color: #c9d2ea; text-decoration: none; margin-right: 18px; }
header nav a.current { color: #fff; border-bottom: 2px solid #8aa2ff; }
header .ro { margin-left: auto; color: #9aa3b5; }
main { padding: 8px 24px 48px; max-width: 1200px; }
h1 { font-size: 20px; margin: 16px 0 8px; }
h2 { font-size: 15px; margin: 22px 0 8px; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
.mono, code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.error { color: var(--lost); font-weight: 600; }
.warning { color: #9a6a00; }
.empty { color: var(--muted); font-style: italic; }
.toolbar input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; }
#search { width: 420px; }
table { border-collapse: collapse; background: var(--card); width: 100%; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line); padding: 5px 8px; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; }
.title .hit { color: var(--muted); font-size: 12px; margin-top: 2px; }
.title .hit mark { background: #fff1b8; color: var(--fg); border-radius: 2px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11.5px; background: #eef0f5; margin-left: 6px; }
.badge.good { background: #e3f4e8; color: #1d6b3a; }
.badge.bad { background: #fde6e4; color: #a3231c; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
li.step { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--human); border-radius: 6px; margin: 8px 0; padding: 8px 12px; }
li.step.kind-prompt { border-left-color: var(--alive); }
li.step.kind-message { border-left-color: var(--transformed); }
li.step.kind-tool { border-left-color: var(--partial); }
li.step.kind-reasoning { border-left-color: var(--unknown); }
li.step.focused { box-shadow: 0 0 0 2px var(--accent); }
.step-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.step-head .index { font-weight: 700; text-decoration: none; }
.step-head .kind { font-weight: 600; }
.step-head .tool-name { font-family: ui-monospace, monospace; }
.step-head button { margin-left: auto; }
button.link { background: none; border: 1px solid var(--line); border-radius: 5px; color: var(--accent); cursor: pointer; font-size: 12px; }
.text { white-space: pre-wrap; margin-top: 6px; }
pre.io { background: #f5f6f9; padding: 6px 8px; border-radius: 4px; white-space: pre-wrap; word-break: break-word; max-height: 320px; overflow: auto; margin: 4px 0; }
details summary { cursor: pointer; color: var(--muted); }
.patch { margin-top: 6px; border: 1px solid var(--line); border-radius: 4px; overflow: hidden; }
.patch-head { background: #f0f2f7; padding: 3px 8px; }
pre.diff { margin: 0; padding: 4px 0; overflow: auto; max-height: 480px; }
pre.diff span { display: block; padding: 0 8px; }
.d-add { background: var(--add); }
.d-del { background: var(--del); }
.d-hunk { color: var(--accent); }
.d-file { color: var(--muted); }
.ctx-view { border-top: 1px dashed var(--line); margin-top: 6px; font-size: 12.5px; }
table.blame td { border: none; padding: 0 8px; line-height: 1.55; }
table.blame tr.agent td.who { background: hsl(var(--session-hue) 70% 93%); }
table.blame tr.agent td.code { background: hsl(var(--session-hue) 70% 97%); }
table.blame td.code code { white-space: pre; }
table.blame td.lineno { color: var(--muted); }
table.blame td.who { white-space: nowrap; min-width: 150px; }
ul.legend { list-style: none; padding: 0; }
ul.files { columns: 2; }
.state { font-weight: 600; }
.st-alive { color: var(--alive); } .st-moved { color: var(--moved); } .st-transformed { color: var(--transformed); } .st-partial { color: var(--partial); }
.st-reverted { color: var(--reverted); } .st-lost { color: var(--lost); } .st-unknown { color: var(--unknown); }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px; display: inline-block; }
figure.chart text.axis { font-size: 10px; fill: var(--muted); }
figure.chart line.baseline { stroke: var(--line); }
figcaption .key { margin-right: 12px; color: var(--muted); }
.s-agent { fill: var(--agent); background: var(--agent); } .s-human { fill: var(--human); background: var(--human); }
.s-alive { fill: var(--alive); background: var(--alive); } .s-moved { fill: var(--moved); background: var(--moved); }
.s-transformed { fill: var(--transformed); background: var(--transformed); } .s-partial { fill: var(--partial); background: var(--partial); }
.s-reverted { fill: var(--reverted); background: var(--reverted); } .s-lost { fill: var(--lost); background: var(--lost); }
.s-unknown { fill: var(--unknown); background: var(--unknown); }
`;

const CLIENT_DIR = new URL('./client/', import.meta.url);
const cache = new Map<string, Buffer>();

export interface Asset {
  readonly type: string;
  readonly body: string | Buffer;
}

/** The asset of that name, or null: app.css, or one of the client's modules. */
export async function asset(name: string): Promise<Asset | null> {
  if (name === 'app.css') return { type: 'text/css; charset=utf-8', body: CSS };
  if (!/^[a-z][a-z-]*\.js$/.test(name)) return null;
  let body = cache.get(name);
  if (body === undefined) {
    body = await readFile(new URL(name, CLIENT_DIR)).catch(() => undefined);
    if (body === undefined) return null;
    cache.set(name, body);
  }
  return { type: 'text/javascript; charset=utf-8', body };
}

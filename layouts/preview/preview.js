// Live preview: listens to /events and swaps only the page images whose hash changed.
// All text from the server goes in with textContent, never innerHTML.
"use strict";
const MM = { w: 216, h: 291, bleed: 3, top: 22, bottom: 20, inner: 22, outer: 18 };
const PAGE_PT = { w: 612.28, h: 824.88 };  // the drawn page (bleed included) in points; 1× = 1 px per pt
const ACTUAL_PX = PAGE_PT.w * 96 / 72;      // 100 %: the page at its printed size on a 96-dpi screen
const SCALES = [1, 1.5, 2, 3, 4];           // what the server draws (builder.SCALES)
const ZOOMS = [0.25, 0.33, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 3];
const $ = (id) => document.getElementById(id);
let current = { pages: [], toc: [] };
const view = { spread: true, fit: "width", zoom: 1 };
let searchQuery = "";
let searchHits = [];
let picked = null;  // {index, box} the region last clicked

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- page size, zoom, pixel ratio ----

function pageWidth() {
  const viewer = $("viewer");
  const across = view.spread ? 2 : 1;
  if (view.fit === "width") return Math.max(120, (viewer.clientWidth - 48) / across);
  if (view.fit === "page") return Math.max(120, (viewer.clientHeight - 56) * PAGE_PT.w / PAGE_PT.h);
  return ACTUAL_PX * view.zoom;
}

function scaleFor(width) {
  const needed = width * (window.devicePixelRatio || 1) / PAGE_PT.w;
  return SCALES.find((s) => s >= needed - 0.01) || SCALES[SCALES.length - 1];
}

function pageSrc(p, scale) {
  return "/pages/" + p.index + ".png?v=" + p.hash + (scale === 1 ? "" : "&s=" + scale);
}

function applySize(keepIndex) {
  const width = pageWidth();
  document.documentElement.style.setProperty("--page-w", width.toFixed(1) + "px");
  $("zoom-level").textContent = Math.round(100 * width / ACTUAL_PX) + "%";
  const scale = scaleFor(width);
  for (const img of document.querySelectorAll(".page img")) {
    const p = current.pages[Number(img.dataset.index)];
    if (p && img.dataset.scale !== String(scale)) { img.dataset.scale = scale; img.src = pageSrc(p, scale); }
  }
  $("fit-width").setAttribute("aria-pressed", view.fit === "width");
  $("fit-page").setAttribute("aria-pressed", view.fit === "page");
  $("view-spread").setAttribute("aria-pressed", view.spread);
  $("view-single").setAttribute("aria-pressed", !view.spread);
  if (keepIndex !== undefined) goTo(keepIndex, "instant");
}

function zoomStep(direction) {
  const now = pageWidth() / ACTUAL_PX;
  const next = direction > 0 ? ZOOMS.find((z) => z > now + 0.01) : [...ZOOMS].reverse().find((z) => z < now - 0.01);
  const keep = currentIndex();
  view.fit = "zoom";
  view.zoom = next || (direction > 0 ? ZOOMS[ZOOMS.length - 1] : ZOOMS[0]);
  applySize(keep);
}

// ---- pages ----

function guides(page, index) {
  const pct = (mm, total) => (100 * mm / total) + "%";
  const trim = el("div", "guide trim");
  Object.assign(trim.style, { left: pct(MM.bleed, MM.w), top: pct(MM.bleed, MM.h), right: pct(MM.bleed, MM.w), bottom: pct(MM.bleed, MM.h) });
  const left = index % 2 === 1;  // PDF page 1 (封一) is a right-hand page
  const area = el("div", "guide area");
  Object.assign(area.style, {
    left: pct(MM.bleed + (left ? MM.outer : MM.inner), MM.w), right: pct(MM.bleed + (left ? MM.inner : MM.outer), MM.w),
    top: pct(MM.bleed + MM.top, MM.h), bottom: pct(MM.bleed + MM.bottom, MM.h),
  });
  page.append(el("div", "guide bleed"), trim, area);
}

function boxNode(cls, box) {  // box: [x, y, w, h] as fractions of the page
  const node = el("div", cls);
  Object.assign(node.style, { left: 100 * box[0] + "%", top: 100 * box[1] + "%", width: 100 * box[2] + "%", height: 100 * box[3] + "%" });
  return node;
}

function pageNode(p) {
  const page = el("div", "page");
  page.id = "page-" + p.index;
  page.dataset.index = p.index;
  page.dataset.hash = p.hash;
  const img = el("img");
  const scale = scaleFor(pageWidth());
  img.dataset.index = p.index;
  img.dataset.scale = scale;
  img.loading = "lazy";
  img.src = pageSrc(p, scale);
  img.alt = "第 " + p.label + " 页";
  page.append(img, el("div", "label", p.label), el("div", "text", p.text));
  guides(page, p.index);
  page.addEventListener("click", (event) => pick(p.index, event));
  for (const hit of searchHits.filter((h) => h.index === p.index)) {
    for (const b of hit.boxes) page.append(boxNode("hit", [b[0], b[1], b[2] - b[0], b[3] - b[1]]));
  }
  if (picked && picked.index === p.index) page.append(boxNode("picked", picked.box));
  markProof(page, p.index);
  return page;
}

const PROOF = { changed: "自上次校样后有改动", added: "上次校样后新增的页", moved: "自上次校样后移动", reflowed: "自上次校样后重排" };
function markProof(page, index) {
  page.querySelectorAll(".since-proof").forEach((n) => n.remove());
  const status = (current.since_proof || {})[String(index)];
  page.classList.toggle("changed-since-proof", Boolean(status));
  if (status) page.append(el("div", "since-proof", PROOF[status] || status));
}

function groups(pages) {
  if (!view.spread) return pages.map((p) => [p]);
  const out = [[pages[0]]];  // 封一 alone, on the right
  for (let i = 1; i < pages.length; i += 2) out.push(pages.slice(i, i + 2));
  return out;
}

function layoutSpreads(pages) {
  const main = $("spreads");
  main.replaceChildren();
  for (const group of groups(pages)) {
    const spread = el("div", "spread" + (view.spread && group[0].index === 0 ? " single-right" : ""));
    group.filter(Boolean).forEach((p) => spread.append(pageNode(p)));
    main.append(spread);
  }
}

function updatePages(pages) {
  if (pages.length !== current.pages.length) { current = { ...current, pages }; return layoutSpreads(pages); }
  pages.forEach((p, i) => {
    if (current.pages[i].hash === p.hash && current.pages[i].text === p.text) return;
    const old = $("page-" + p.index);
    current.pages[i] = p;
    if (old) old.replaceWith(pageNode(p));
  });
}

// ---- where am I, moving around ----

function inTopRow(node) {
  const v = $("viewer").getBoundingClientRect();
  const r = node.getBoundingClientRect();
  return r.top >= v.top - 2 && r.top < v.top + v.height / 2;
}

function currentIndex() {
  // The page last gone to stays current while it is still in view (the last spread cannot
  // scroll to the top; both pages of a spread stand equally high).
  const marked = document.querySelector(".page.current");
  if (marked && inTopRow(marked)) return Number(marked.dataset.index);
  const viewer = $("viewer");
  const top = viewer.getBoundingClientRect().top;
  let best = 0, bestDistance = Infinity;
  for (const page of document.querySelectorAll(".page")) {
    const r = page.getBoundingClientRect();
    const distance = Math.abs(r.top - top - 16) + (r.bottom < top ? 1e6 : 0);
    if (distance < bestDistance) { bestDistance = distance; best = Number(page.dataset.index); }
  }
  return best;
}

function goTo(index, behavior) {
  const pages = current.pages;
  if (!pages.length) return;
  index = Math.max(0, Math.min(pages.length - 1, index));
  const node = $("page-" + index);
  if (node) node.scrollIntoView({ block: "start", inline: "nearest", behavior: behavior || "instant" });
  markCurrent(index);
}

function markCurrent(index) {
  document.querySelectorAll(".page.current").forEach((n) => n.classList.remove("current"));
  const node = $("page-" + index);
  if (node) node.classList.add("current");
  const p = current.pages[index];
  $("position").textContent = p ? "第 " + p.label + " 页 / 共 " + current.pages.length + " 页" : "";
}

function step(direction) {
  const index = currentIndex();
  if (!view.spread) return goTo(index + direction);
  // Spreads: 0 | 1-2 | 3-4 …: the first page of the next or previous spread.
  const first = index === 0 ? 0 : index - ((index - 1) % 2);
  goTo(direction > 0 ? (first === 0 ? 1 : first + 2) : first <= 1 ? 0 : first - 2);
}

function gotoLabel(text) {
  const wanted = text.trim();
  if (!wanted) return;
  const p = current.pages.find((q) => q.label === wanted) || current.pages.find((q) => q.label === String(Number(wanted)));
  $("goto").setCustomValidity(p ? "" : "没有这一页：" + wanted);
  $("goto").reportValidity();
  if (p) goTo(p.index);
}

// ---- source ↔ page ----

function editorLink(path, line) {
  const template = document.body.dataset.editorUrl || "vscode://file/{path}:{line}";
  // vscode://file/{path} with an absolute POSIX path would read file//home/…: one slash is enough.
  return template.replace("{path}", encodeURI(path)).replace("{line}", String(line || 1)).replace("://file//", "://file/");
}

function pick(index, event) {
  const p = current.pages[index];
  const node = $("page-" + index);
  if (!p || !node) return;
  const r = node.getBoundingClientRect();
  const x = (event.clientX - r.left) / r.width, y = (event.clientY - r.top) / r.height;
  const inside = (p.regions || []).filter((g) => x >= g.box[0] && x <= g.box[0] + g.box[2] && y >= g.box[1] && y <= g.box[1] + g.box[3]);
  inside.sort((a, b) => a.box[2] * a.box[3] - b.box[2] * b.box[3]);
  document.querySelectorAll(".page .picked").forEach((n) => n.remove());
  markCurrent(index);
  if (!inside.length) { picked = null; $("source").hidden = true; return; }
  const region = inside[0];
  picked = { index, box: region.box };
  node.append(boxNode("picked", region.box));
  showSource(region.path, region.line);
}

function showSource(path, line) {
  $("source").hidden = false;
  $("source-place").textContent = path + ":" + line;
  $("source-open").href = editorLink(path, line);
  $("source-launch").onclick = () => launchEditor(path, line, $("launch-status"));
  $("launch-status").textContent = "";
  openSide();
}

// The server starts the editor (--editor or $EDITOR) on the line: for editors without a URL scheme.
const EDITOR_COMMAND = document.body.dataset.editorCommand || "";
async function launchEditor(path, line, status) {
  status.textContent = "正在打开…";
  try {
    const reply = await fetch("/api/open", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ path, line: line || 1 }),
    });
    const data = await reply.json();
    status.textContent = reply.ok ? "已用 " + data.editor + " 打开第 " + data.line + " 行" : data.error;
  } catch (e) {
    status.textContent = "没能打开：预览已断开";
  }
}

function launchButton(path, line) {
  const item = el("span", "launch");
  const button = el("button", "open", "用 " + EDITOR_COMMAND + " 打开");
  const status = el("span", "launch-status");
  button.type = "button";
  button.addEventListener("click", () => launchEditor(path, line, status));
  item.append(button, status);
  return item;
}

// ---- search ----

async function runSearch(query) {
  searchQuery = query.trim();
  if (!searchQuery) { clearSearch(); return; }
  const reply = await fetch("/api/search?q=" + encodeURIComponent(searchQuery));
  const data = await reply.json();
  if (data.query !== searchQuery) return;
  searchHits = data.hits;
  $("search-results").hidden = false;
  $("search-count").textContent = searchHits.length;
  const list = $("search-list");
  list.replaceChildren();
  for (const hit of searchHits) {
    const item = el("li", "", "第 " + hit.label + " 页：" + hit.snippet);
    item.addEventListener("click", () => goTo(hit.index, "smooth"));
    list.append(item);
  }
  drawHits();
  if (searchHits.length) goTo(searchHits[0].index);
}

function drawHits() {
  document.querySelectorAll(".page .hit").forEach((n) => n.remove());
  for (const hit of searchHits) {
    const page = $("page-" + hit.index);
    if (!page) continue;
    for (const b of hit.boxes) page.append(boxNode("hit", [b[0], b[1], b[2] - b[0], b[3] - b[1]]));
  }
}

function clearSearch() {
  searchQuery = "";
  searchHits = [];
  $("search").value = "";
  $("search-results").hidden = true;
  drawHits();
}

// ---- sidebar ----

function openSide() {
  document.body.classList.remove("side-closed");
  $("side-toggle").setAttribute("aria-expanded", "true");
}

// Pages used against the 栏目's budget in issue.yaml: "5 / 6 页", marked 超出 or 富余.
function budgetNode(used, budget) {
  const node = el("span", "budget", used + " / " + budget + " 页");
  if (used > budget) {
    node.classList.add("over");
    node.append(el("strong", "", " 超出 " + (used - budget) + " 页"));
  } else if (used < budget) {
    node.classList.add("under");
    node.append(el("span", "", " 富余 " + (budget - used) + " 页"));
  }
  node.title = "本期计划 " + budget + " 页（issue.yaml 的 pages:），排出 " + used + " 页";
  return node;
}

function renderToc(toc, pages, budgets) {
  const nav = $("toc");
  nav.replaceChildren(el("h2", "", "目录"));
  for (const column of toc) {
    const h = el("h3", "", column.column);
    h.dataset.column = column.column;
    if (column.pages) {
      const [a, b] = column.pages;
      const label = (i) => (pages[i] ? pages[i].label : String(i));
      const count = el("span", "count", (a === b ? "第 " + label(a) + " 页" : "第 " + label(a) + "–" + label(b) + " 页") + " · ");
      const budget = (budgets || {})[column.column];
      count.append(budget ? budgetNode(b - a + 1, budget) : (b - a + 1) + " 页");
      h.append(count);
    }
    if (column.articles.length) h.addEventListener("click", () => goTo(column.articles[0].page));
    nav.append(h);
    for (const a of column.articles) {
      const row = el("div", "article");
      const link = el("a", "");
      link.href = "#page-" + a.page;
      link.append(el("span", "", a.title), el("span", "folio", String(a.folio ?? "")));
      link.addEventListener("click", (e) => { e.preventDefault(); goTo(a.page); });
      const epub = el("a", "epub", "EPUB");
      epub.href = "/epub/" + encodeURIComponent(a.id);
      epub.target = "_blank";
      row.append(link, epub);
      nav.append(row);
    }
  }
}

const SEVERITY = { error: "错误", warning: "警告", info: "说明" };

// A finding's code in Chinese: what it means, then what to do.
function chineseLines(item, f) {
  if (f.zh) item.append(el("span", "zh", f.zh));
  if (f.zh_fix) {
    const fix = el("span", "fix");
    fix.append(el("span", "fix-label", "怎么办："), el("span", "fix-text", f.zh_fix));
    item.append(fix);
  }
}

// The English message and hint, as the CLI prints them: folded under 原文 when the Chinese
// lines say what to do, shown as they are when there is nothing else to read.
function original(item, message, hint, folded) {
  const box = folded ? el("details", "original") : item;
  if (folded) box.append(el("summary", "", "原文（英文）"));
  box.append(el("span", "message", message));
  if (hint) box.append(el("span", "hint", "→ " + hint));
  if (folded) item.append(box);
}

function renderFindings(findings) {
  $("findings-count").textContent = findings.length;
  const list = $("findings-list");
  list.replaceChildren();
  for (const f of findings) {
    const item = el("li", f.severity === "error" ? "error-level" : f.severity);
    item.append(el("strong", "severity", (SEVERITY[f.severity] || f.severity) + " " + f.code + " "));
    chineseLines(item, f);
    if (f.path) {
      const link = el("a", "place", f.where);
      link.href = editorLink(f.path, f.line);
      item.append(link);
    } else if (f.where) item.append(el("span", "place", f.where));
    if (f.path && EDITOR_COMMAND) item.append(launchButton(f.path, f.line));
    original(item, f.message, f.hint, Boolean(f.zh_fix));
    list.append(item);
  }
}

// The page an article file starts on, from the last good layout's contents (null: none).
function pageOfFile(path) {
  const stem = path.split("/").pop().replace(/\.md$/, "");
  for (const column of current.toc || []) {
    for (const a of column.articles) if (a.id === stem && current.pages[a.page]) return a.page;
  }
  return null;
}

function renderErrors(state) {
  const errors = state.errors && state.errors.length ? state.errors : state.error ? [{ message: state.error }] : [];
  $("error").hidden = !errors.length;
  $("error-count").textContent = errors.length;
  const list = $("error-text");
  list.replaceChildren();
  for (const e of errors) {
    const item = el("li");
    // 错误 S-124, what it means and what to do in Chinese, the place, then the message as the CLI prints it.
    item.append(el("strong", "severity", SEVERITY.error + (e.code ? " " + e.code : "") + " "));
    chineseLines(item, e);
    if (e.path) {
      const link = el("a", "place", e.where);
      link.href = editorLink(e.path, e.line);
      item.append(link, el("span", "", " "));
    }
    if (e.path && EDITOR_COMMAND) item.append(launchButton(e.path, e.line));
    const target = e.path ? pageOfFile(e.path) : null;
    if (target !== null) {
      const jump = el("button", "jump", "看第 " + current.pages[target].label + " 页");
      jump.type = "button";
      jump.addEventListener("click", () => goTo(target));
      item.append(jump);
    }
    original(item, e.text || e.message, e.hint, Boolean(e.zh_fix));
    list.append(item);
  }
  if (errors.length) openSide();
}

async function renderDownloads() {
  const names = { print: "印刷 PDF", screen: "屏幕 PDF", epub: "EPUB" };
  let found = {};
  try { found = await (await fetch("/api/downloads")).json(); } catch (e) { return; }
  const list = $("downloads");
  list.replaceChildren();
  for (const [kind, file] of Object.entries(found)) {
    const item = el("li");
    const link = el("a", "", names[kind] + "（" + (file.size / 1048576).toFixed(1) + " MB）");
    link.href = "/download/" + kind;
    link.download = file.name;
    item.append(link);
    list.append(item);
  }
  if (!list.children.length) list.append(el("li", "", "还没有成品：运行 qhgy build"));
}

// ---- status and the event stream ----

let buildingSince = 0;
function setStatus(text, cls) {
  const status = $("status");
  status.className = "status" + (cls ? " " + cls : "");
  status.textContent = text;
  status.dataset.text = text;
  status.title = text;
}
// A long layout shows how long it has run, so a slow one is not taken for a stuck one.
setInterval(() => {
  const status = $("status");
  if (!status.classList.contains("building") || !buildingSince) return;
  const seconds = Math.round((Date.now() - buildingSince) / 1000);
  if (seconds >= 2) status.textContent = status.dataset.text + " " + seconds + " 秒";
}, 1000);

let connected = false;
function apply(state) {
  connected = true;
  if (state.building && !buildingSince) buildingSince = Date.now();
  if (!state.building) buildingSince = 0;
  const said = state.note || (state.building ? "正在排版…" : state.error ? "排版失败" : "已更新 · " + state.pages.length + " 页");
  setStatus(state.building && state.progress ? said + "（" + state.progress + "）" : said,
    state.building || state.note ? "building" : state.error ? "failed" : "");
  renderErrors(state);
  // Pages are drawn as soon as there are any (the last build's at start); a page whose hash
  // stands still is not touched.
  if (state.pages.length) {
    const first = !current.pages.length;
    updatePages(state.pages);
    current = state;
    document.querySelectorAll(".page").forEach((n) => markProof(n, Number(n.dataset.index)));
    renderToc(state.toc, state.pages, state.budgets);
    renderFindings(state.findings || []);
    renderDownloads();
    if (searchQuery) runSearch(searchQuery);
    if (first) { applySize(); markCurrent(0); }
  }
}

let events = null;
let lastHeard = 0;
function disconnected() {
  connected = false;
  setStatus("已断开 · 正在重新连接…", "disconnected");
}
function connect() {
  if (events) events.close();
  events = new EventSource("/events");
  lastHeard = Date.now();
  events.addEventListener("state", (e) => { lastHeard = Date.now(); apply(JSON.parse(e.data)); });
  events.addEventListener("ping", () => {
    lastHeard = Date.now();
    if (!connected) { connected = true; setStatus(current.pages.length ? "已更新 · " + current.pages.length + " 页" : "已连接", ""); }
  });
  events.addEventListener("error", () => { if (events.readyState !== EventSource.OPEN) disconnected(); });
}
// The stream pings every 0.5 s: silence for 1.5 s means the server is gone even when no
// error reached the browser (a suspended laptop, a dropped network); start again then.
setInterval(() => {
  if (Date.now() - lastHeard > 1500) { if (connected) disconnected(); connect(); }
}, 500);

// ---- controls ----

if (EDITOR_COMMAND) {
  $("editor-name").textContent = EDITOR_COMMAND;
  $("source-launch").hidden = false;
}
$("guides").addEventListener("change", (e) => document.body.classList.toggle("guides", e.target.checked));
$("side-toggle").addEventListener("click", () => {
  const keep = currentIndex();
  const closed = document.body.classList.toggle("side-closed");
  $("side-toggle").setAttribute("aria-expanded", String(!closed));
  applySize(keep);
});
$("view-single").addEventListener("click", () => { const k = currentIndex(); view.spread = false; layoutSpreads(current.pages); drawHits(); applySize(k); });
$("view-spread").addEventListener("click", () => { const k = currentIndex(); view.spread = true; layoutSpreads(current.pages); drawHits(); applySize(k); });
$("fit-width").addEventListener("click", () => { const k = currentIndex(); view.fit = "width"; applySize(k); });
$("fit-page").addEventListener("click", () => { const k = currentIndex(); view.fit = "page"; applySize(k); });
$("zoom-in").addEventListener("click", () => zoomStep(1));
$("zoom-out").addEventListener("click", () => zoomStep(-1));
$("goto").addEventListener("keydown", (e) => { if (e.key === "Enter") gotoLabel(e.target.value); });
$("search").addEventListener("keydown", (e) => { if (e.key === "Enter") runSearch(e.target.value); });
$("viewer").addEventListener("scroll", () => { if (current.pages.length) markCurrent(currentIndex()); }, { passive: true });
window.addEventListener("resize", () => { if (view.fit !== "zoom") applySize(currentIndex()); });

document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLInputElement;
  if (e.key === "Escape") {
    if (typing) e.target.blur();
    if (searchQuery) clearSearch();
    $("source").hidden = true;
    picked = null;
    document.querySelectorAll(".page .picked").forEach((n) => n.remove());
    $("viewer").focus();
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = {
    ArrowRight: () => step(1), ArrowDown: () => step(1), PageDown: () => step(1),
    ArrowLeft: () => step(-1), ArrowUp: () => step(-1), PageUp: () => step(-1),
    Home: () => goTo(0), End: () => goTo(current.pages.length - 1),
    "+": () => zoomStep(1), "=": () => zoomStep(1), "-": () => zoomStep(-1),
    g: () => $("goto").focus(), "/": () => $("search").focus(),
  };
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

connect();

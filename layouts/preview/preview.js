// Live preview: listens to /events and swaps only the page images whose hash changed.
// All text from the server goes in with textContent, never innerHTML.
"use strict";
const MM = { w: 216, h: 291, bleed: 3, top: 22, bottom: 20, inner: 22, outer: 18 };
const $ = (id) => document.getElementById(id);
let current = { pages: [] };

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

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

function pageNode(p) {
  const page = el("div", "page");
  page.id = "page-" + p.index;
  page.dataset.hash = p.hash;
  const img = el("img");
  img.src = "/pages/" + p.index + ".png?v=" + p.hash;
  img.alt = "第 " + p.label + " 页";
  page.append(img, el("div", "label", p.label), el("div", "text", p.text));
  guides(page, p.index);
  page.addEventListener("click", () => { $("zoom-img").src = img.src; $("zoom").hidden = false; });
  return page;
}

function layoutSpreads(pages) {
  const main = $("spreads");
  main.replaceChildren();
  const groups = [[pages[0]]];
  for (let i = 1; i < pages.length; i += 2) groups.push(pages.slice(i, i + 2));
  for (const group of groups) {
    const spread = el("div", "spread");
    group.filter(Boolean).forEach((p) => spread.append(pageNode(p)));
    main.append(spread);
  }
  const thumbs = $("thumbs");
  thumbs.replaceChildren();
  for (const p of pages) {
    const fig = el("figure");
    const img = el("img");
    img.src = "/pages/" + p.index + ".png?v=" + p.hash;
    img.alt = "";
    fig.append(img, el("figcaption", "", p.label));
    fig.addEventListener("click", () => $("page-" + p.index).scrollIntoView({ block: "center" }));
    thumbs.append(fig);
  }
}

function updatePages(pages) {
  if (pages.length !== current.pages.length) return layoutSpreads(pages);
  pages.forEach((p, i) => {
    if (current.pages[i].hash === p.hash && current.pages[i].text === p.text) return;
    const old = $("page-" + p.index);
    old.replaceWith(pageNode(p));
    const thumb = $("thumbs").children[i].querySelector("img");
    thumb.src = "/pages/" + p.index + ".png?v=" + p.hash;
  });
}

function renderToc(toc) {
  const nav = $("toc");
  nav.replaceChildren();
  for (const column of toc) {
    const h = el("h3", "", column.column);
    if (column.articles.length) h.addEventListener("click", () => $("page-" + column.articles[0].page).scrollIntoView());
    nav.append(h);
    for (const a of column.articles) {
      const link = el("a", "", a.title);
      link.href = "#page-" + a.page;
      const epub = el("a", "epub", "EPUB");
      epub.href = "/epub/" + encodeURIComponent(a.id);
      epub.target = "_blank";
      nav.append(link);
      link.append(epub);
    }
  }
}

function apply(state) {
  const status = $("status");
  status.className = "status" + (state.building ? " building" : state.error ? " failed" : "");
  status.textContent = state.building ? "正在排版…" : state.error ? "排版失败" : "已更新 · " + state.pages.length + " 页";
  $("error").hidden = !state.error;
  $("error-text").textContent = state.error;
  if (!state.building && state.pages.length) {
    updatePages(state.pages);
    renderToc(state.toc);
    current = state;
  }
}

$("guides").addEventListener("change", (e) => document.body.classList.toggle("guides", e.target.checked));
$("zoom").addEventListener("click", () => { $("zoom").hidden = true; });
const events = new EventSource("/events");
events.addEventListener("state", (e) => apply(JSON.parse(e.data)));

// The in-app viewer of a source's stored PDF (reader.views.source_viewer): pdf.js renders one
// page at a time with its text layer. The analyst moves by page (buttons, ← →, the page box that
// takes a printed label or "#" and a PDF page, the page list), zooms (fit width, fit page, steps,
// + −), and finds words in the page and the whole file. The quoted passage is highlighted on its
// pages and the line above says where it is, whichever page is shown. Highlights use the CSS
// Custom Highlight API: nothing is added to the text layer. Finding ignores whitespace and line
// breaks, which PDF text puts where the page broke its lines.

import { GlobalWorkerOptions, TextLayer, getDocument } from "../vendor/pdfjs/pdf.min.mjs";
import { compact, fill, findPassage, nextZoom, occurrences, pageFromInput } from "./pdf_pages.js";

const root = document.getElementById("pdf-viewer");
const $ = (id) => document.getElementById(id);

// The text under `rootNode`, compacted as compact() does, and for each of its characters the
// text node and offset it came from.
export function compactText(rootNode) {
  let text = "";
  const origin = [];
  const walker = document.createTreeWalker(rootNode, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let offset = 0; offset < node.data.length; offset += 1) {
      for (const piece of node.data[offset].normalize("NFKC").toLowerCase()) {
        if (/\s/.test(piece)) continue;
        text += piece;
        origin.push([node, offset]);
      }
    }
  }
  return { text, origin };
}

function rangeOf(origin, start, length) {
  const range = document.createRange();
  const [startNode, startOffset] = origin[start];
  const [endNode, endOffset] = origin[start + length - 1];
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset + 1);
  return range;
}

function paint(name, ranges) {
  if (!window.CSS?.highlights || typeof Highlight === "undefined") return;
  if (ranges.length) CSS.highlights.set(name, new Highlight(...ranges));
  else CSS.highlights.delete(name);
}

// Keys that belong to what has the focus: typing in a field, choosing in a list.
function typing(target) {
  return Boolean(target?.closest?.("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

class Viewer {
  constructor(pdf) {
    this.pdf = pdf;
    this.count = pdf.numPages;
    this.labels = JSON.parse($("viewer-labels").textContent);
    const wanted = JSON.parse($("viewer-find").textContent) || {};
    this.passage = wanted.text ? { ...wanted, needle: compact(wanted.text) } : null;
    this.shown = 0;
    this.zoom = "width"; // "width", "page" or a scale
    this.scale = 1;
    this.texts = new Map(); // PDF page → its compacted text, for finding in the file
    this.query = "";
    this.matches = []; // [{page, nth}] in file order
    this.current = -1;
    this.searching = 0; // bumped by each new search: an older one stops
    this.rendering = Promise.resolve();
    if (this.passage && !this.passage.pages.length) this.passage.pages = [Number(root.dataset.page) || 1];
  }

  label(number) {
    return this.labels[number - 1] || "";
  }

  describe(number) {
    const label = this.label(number);
    const template = label ? root.dataset.status : root.dataset.statusUnlabelled;
    return fill(template, { label, number, count: this.count });
  }

  // Show PDF page `number` (kept within the file), drawn at the current zoom, one at a time.
  show(number, { focusMatch = false } = {}) {
    const target = Math.min(Math.max(1, number), this.count);
    // One drawing at a time on the one canvas: each waits for the one before, failed or not.
    const drawn = this.rendering.catch(() => {}).then(() => this.draw(target, focusMatch));
    this.rendering = drawn;
    return drawn;
  }

  async draw(number, focusMatch) {
    const page = await this.pdf.getPage(number);
    const natural = page.getViewport({ scale: 1 });
    this.scale = this.fitted(natural);
    const viewport = page.getViewport({ scale: this.scale });
    const ratio = window.devicePixelRatio || 1;
    const canvas = $("pdf-canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    const transform = ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0];
    // What pdf.js's text layer styles scale by (text_layer.css).
    const sheet = $("pdf-page").style;
    sheet.setProperty("--scale-factor", String(this.scale));
    sheet.setProperty("--total-scale-factor", String(this.scale));
    sheet.setProperty("--user-unit", "1");
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport, transform }).promise;
    const textLayer = $("pdf-text");
    textLayer.replaceChildren();
    const layer = new TextLayer({ textContentSource: page.streamTextContent(), container: textLayer, viewport });
    await layer.render();
    this.shown = number;
    this.afterDraw(focusMatch);
  }

  fitted(natural) {
    const width = Math.max(100, root.clientWidth - 4) / natural.width;
    if (this.zoom === "width") return width;
    if (this.zoom === "page") {
      const height = Math.max(200, window.innerHeight - 24) / natural.height;
      return Math.min(width, height);
    }
    return this.zoom;
  }

  afterDraw(focusMatch) {
    const number = this.shown;
    $("viewer-status").textContent = this.describe(number);
    $("viewer-previous").disabled = number <= 1;
    $("viewer-next").disabled = number >= this.count;
    const box = $("viewer-page");
    if (document.activeElement !== box) box.value = this.label(number) || `#${number}`;
    for (const link of document.querySelectorAll("#viewer-pages a[data-number]")) {
      if (Number(link.dataset.number) === number) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    this.showZoom();
    const { text, origin } = compactText($("pdf-text"));
    this.markPassage(text, origin);
    this.markMatches(text, origin, focusMatch);
    root.dataset.shown = String(number);
    root.dataset.scale = this.scale.toFixed(3);
    this.remember();
    document.documentElement.classList.add("viewer-ready");
  }

  // The passage: highlighted where it is on this page, and the line above honest about it.
  markPassage(text, origin) {
    if (!this.passage) return;
    const status = $("viewer-found");
    const go = $("viewer-passage-go");
    const { pages, needle, where } = this.passage;
    const here = pages.includes(this.shown);
    const found = here ? findPassage(text, needle) : null;
    paint("passage-found", found ? [rangeOf(origin, found.start, found.length)] : []);
    if (found) {
      status.textContent = found.whole ? root.dataset.found : fill(root.dataset.foundPart, { where });
    } else {
      status.textContent = here ? root.dataset.notFound : fill(root.dataset.elsewhere, { where });
    }
    go.hidden = here;
    root.dataset.passage = found ? (found.whole ? "found" : "part") : here ? "not-found" : "elsewhere";
    if (found && !this.query) origin[found.start][0].parentElement?.scrollIntoView({ block: "center" });
  }

  markMatches(text, origin, focusMatch) {
    const needle = compact(this.query);
    if (!needle) {
      paint("find-hit", []);
      paint("find-current", []);
      return;
    }
    const starts = occurrences(text, needle);
    const ranges = starts.map((start) => rangeOf(origin, start, needle.length));
    const current = this.matches[this.current];
    const mine = current && current.page === this.shown ? ranges[current.nth] : null;
    paint("find-hit", ranges.filter((range) => range !== mine));
    paint("find-current", mine ? [mine] : []);
    if (mine && focusMatch) mine.startContainer.parentElement?.scrollIntoView({ block: "center" });
    this.showCount();
  }

  showCount() {
    const count = $("viewer-count");
    if (!this.query) {
      count.textContent = "";
      return;
    }
    const here = this.matches.filter((match) => match.page === this.shown).length;
    if (this.texts.size < this.count && this.searching) {
      const read = fill(root.dataset.countSearching, { pages: this.texts.size, count: this.count });
      count.textContent = this.matches.length
        ? `${fill(root.dataset.count, { current: this.current + 1, total: this.matches.length, here })} · ${read}`
        : read;
      return;
    }
    count.textContent = this.matches.length
      ? fill(root.dataset.count, { current: this.current + 1, total: this.matches.length, here })
      : root.dataset.countNone;
  }

  async pageText(number) {
    if (!this.texts.has(number)) {
      const page = await this.pdf.getPage(number);
      const content = await page.getTextContent();
      this.texts.set(number, compact(content.items.map((item) => item.str || "").join("")));
    }
    return this.texts.get(number);
  }

  // Find the words in the whole file, from the page shown on: the first match is shown as soon
  // as it is found, the count grows as the other pages are read.
  async find(query) {
    this.query = query.trim();
    this.matches = [];
    this.current = -1;
    const search = ++this.searching;
    paint("find-hit", []); // the last search's marks go at once, found again or not
    paint("find-current", []);
    const needle = compact(this.query);
    if (!needle) {
      this.searching = 0;
      await this.show(this.shown);
      return;
    }
    const order = [...Array(this.count).keys()].map((index) => index + 1);
    const start = this.shown;
    for (const number of order) {
      const text = await this.pageText(number);
      if (search !== this.searching) return; // a newer search took over
      const found = occurrences(text, needle).map((_, nth) => ({ page: number, nth }));
      this.matches.push(...found);
      if (this.current < 0 && found.length && number >= start) {
        this.current = this.matches.length - found.length;
        await this.show(number, { focusMatch: true });
      } else if (found.length || number % 10 === 0) {
        this.showCount();
      }
    }
    this.searching = 0;
    if (this.current < 0 && this.matches.length) {
      this.current = 0; // the only matches are before the page shown: wrap round
      await this.show(this.matches[0].page, { focusMatch: true });
    } else {
      this.showCount();
    }
  }

  step(direction) {
    if (!this.matches.length) return;
    this.current = (this.current + direction + this.matches.length) % this.matches.length;
    this.show(this.matches[this.current].page, { focusMatch: true });
  }

  setZoom(zoom) {
    this.zoom = zoom;
    this.show(this.shown);
  }

  showZoom() {
    const select = $("viewer-zoom");
    const custom = $("viewer-zoom-custom");
    const preset = [...select.options].find((option) => Number(option.value) === this.zoom);
    if (typeof this.zoom === "string") select.value = this.zoom;
    else if (preset) select.value = preset.value;
    else {
      custom.textContent = `${Math.round(this.zoom * 100)}%`;
      custom.hidden = false;
      select.value = "custom";
    }
    if (select.value !== "custom") custom.hidden = true;
  }

  // The address says which page is shown, for a reload or a link.
  remember() {
    const label = this.label(this.shown);
    const url = new URL(window.location.href);
    url.searchParams.set("page", label || `#${this.shown}`);
    window.history.replaceState(null, "", url);
  }

  goTo(input) {
    const number = pageFromInput(input, this.labels, this.count);
    const error = $("viewer-page-error");
    if (!number) {
      error.textContent = fill(root.dataset.noPage, { page: input.trim() });
      return;
    }
    error.textContent = "";
    this.show(number);
  }

  listen() {
    $("viewer-previous").addEventListener("click", () => this.show(this.shown - 1));
    $("viewer-next").addEventListener("click", () => this.show(this.shown + 1));
    $("viewer-goto").addEventListener("submit", (event) => {
      event.preventDefault();
      this.goTo($("viewer-page").value);
    });
    $("viewer-zoom").addEventListener("change", (event) => {
      const value = event.target.value;
      if (value !== "custom") this.setZoom(value === "width" || value === "page" ? value : Number(value));
    });
    $("viewer-zoom-in").addEventListener("click", () => this.setZoom(nextZoom(this.scale, 1)));
    $("viewer-zoom-out").addEventListener("click", () => this.setZoom(nextZoom(this.scale, -1)));
    $("viewer-search").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = $("viewer-query").value.trim();
      if (query !== this.query) this.find(query);
      else this.step(1);
    });
    $("viewer-find-previous").addEventListener("click", () => {
      const query = $("viewer-query").value.trim();
      if (query !== this.query) this.find(query);
      else this.step(-1);
    });
    $("viewer-query").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        $("viewer-find-previous").click();
      }
    });
    $("viewer-query").addEventListener("search", (event) => {
      if (!event.target.value) this.find(""); // the field's own clear button
    });
    $("viewer-passage-go")?.addEventListener("click", () => {
      $("viewer-page-error").textContent = "";
      this.show(this.passage.pages[0]);
    });
    for (const link of document.querySelectorAll("#viewer-pages a[data-number]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.show(Number(link.dataset.number));
      });
    }
    document.addEventListener("keydown", (event) => this.onKey(event));
    let resizing = 0;
    window.addEventListener("resize", () => {
      if (typeof this.zoom !== "string") return;
      window.clearTimeout(resizing);
      resizing = window.setTimeout(() => this.show(this.shown), 150);
    });
  }

  onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const actions = {
      ArrowLeft: () => this.show(this.shown - 1),
      ArrowRight: () => this.show(this.shown + 1),
      "+": () => this.setZoom(nextZoom(this.scale, 1)),
      "=": () => this.setZoom(nextZoom(this.scale, 1)),
      "-": () => this.setZoom(nextZoom(this.scale, -1)),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }
}

async function open() {
  GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await getDocument({
    url: root.dataset.file,
    isEvalSupported: false,
    standardFontDataUrl: root.dataset.fonts,
    disableAutoFetch: true, // fetch the pages shown, by byte ranges, not the whole file
  }).promise;
  const viewer = new Viewer(pdf);
  if (window.matchMedia("(min-width: 701px)").matches) $("viewer-pages").open = true;
  viewer.listen();
  await viewer.show(Number(root.dataset.page) || 1);
}

if (typeof window !== "undefined" && root) {
  open().catch((error) => {
    $("viewer-status").textContent = `${root.dataset.failed} ${error.message}`;
    document.documentElement.classList.add("viewer-failed");
  });
}

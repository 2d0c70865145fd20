// The in-app viewer of a source's stored PDF (reader.views.source_viewer): pdf.js renders the
// page that carries the printed page cited, with its text layer, and the quoted passage is
// highlighted there (the CSS Custom Highlight API: nothing is added to the text layer). Finding
// it ignores whitespace and line breaks, which PDF text puts where the page broke its lines.

import { GlobalWorkerOptions, TextLayer, getDocument } from "../vendor/pdfjs/pdf.min.mjs";

const root = document.getElementById("pdf-viewer");
const labels = JSON.parse(document.getElementById("viewer-labels").textContent);
const wanted = JSON.parse(document.getElementById("viewer-find").textContent);
const canvas = document.getElementById("pdf-canvas");
const textLayer = document.getElementById("pdf-text");
const status = document.getElementById("viewer-status");
const found = document.getElementById("viewer-found");
const previous = document.getElementById("viewer-previous");
const next = document.getElementById("viewer-next");
const firstPage = Number(root.dataset.page) || 1;

// The text under `root` with every whitespace removed and folded as search folds it, and for
// each character the text node and offset it came from.
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

export function compact(words) {
  return words.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
}

function highlight(rootNode, words) {
  const needle = compact(words);
  const { text, origin } = compactText(rootNode);
  const at = needle ? text.indexOf(needle) : -1;
  if (at < 0) return null;
  const range = document.createRange();
  const [startNode, startOffset] = origin[at];
  const [endNode, endOffset] = origin[at + needle.length - 1];
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset + 1);
  if (window.CSS?.highlights && typeof Highlight !== "undefined") {
    CSS.highlights.set("passage-found", new Highlight(range));
  }
  return range;
}

function describe(number, count) {
  const label = labels[number - 1];
  const template = label ? root.dataset.status : root.dataset.statusUnlabelled;
  return template
    .replace("{label}", label)
    .replace("{number}", String(number))
    .replace("{count}", String(count));
}

async function open() {
  GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await getDocument({
    url: root.dataset.file,
    isEvalSupported: false,
    standardFontDataUrl: root.dataset.fonts,
    disableAutoFetch: true, // fetch the pages shown, by byte ranges, not the whole file
  }).promise;
  let shown = 0;

  async function show(number) {
    shown = Math.min(Math.max(1, number), pdf.numPages);
    const page = await pdf.getPage(shown);
    const natural = page.getViewport({ scale: 1 });
    const scale = Math.min(2, Math.max(0.5, (root.clientWidth || natural.width) / natural.width));
    const viewport = page.getViewport({ scale });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    const transform = ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0];
    // What pdf.js's text layer styles scale by (text_layer.css).
    const sheet = document.getElementById("pdf-page").style;
    sheet.setProperty("--scale-factor", String(scale));
    sheet.setProperty("--total-scale-factor", String(scale));
    sheet.setProperty("--user-unit", "1");
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport, transform })
      .promise;
    textLayer.replaceChildren();
    const layer = new TextLayer({
      textContentSource: page.streamTextContent(),
      container: textLayer,
      viewport,
    });
    await layer.render();
    status.textContent = describe(shown, pdf.numPages);
    previous.disabled = shown <= 1;
    next.disabled = shown >= pdf.numPages;
    CSS.highlights?.delete("passage-found");
    if (wanted && shown === firstPage) {
      const range = highlight(textLayer, wanted);
      found.textContent = range ? root.dataset.found : root.dataset.notFound;
      range?.startContainer.parentElement?.scrollIntoView({ block: "center" });
    } else {
      found.textContent = "";
    }
    root.dataset.shown = String(shown);
    document.documentElement.classList.add("viewer-ready");
  }

  previous.addEventListener("click", () => show(shown - 1));
  next.addEventListener("click", () => show(shown + 1));
  await show(firstPage);
}

if (typeof window !== "undefined" && root) {
  open().catch((error) => {
    status.textContent = `${root.dataset.failed} ${error.message}`;
    document.documentElement.classList.add("viewer-failed");
  });
}

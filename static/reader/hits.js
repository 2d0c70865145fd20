// A search result lands on its passage with the words found highlighted: the search page links
// to `…?highlight=QUERY#ANCHOR`; here every word of the query (as search.terms.query_words reads
// it: words, and phrases in double quotes) is marked in the passage with the CSS Custom Highlight
// API, which changes no element of the page (the annotations' offsets count its text). Browsers
// without that API still land on the passage.

export function queryWords(query) {
  const words = [];
  const add = (part) => {
    const word = fold(part).split(/\s+/).filter(Boolean).join(" ");
    if (word && /[\p{L}\p{N}]/u.test(word) && !words.includes(word)) words.push(word);
  };
  let rest = query;
  for (const match of query.matchAll(/"([^"]*)"|“([^”]*)”/g)) {
    add(match[1] ?? match[2]);
    rest = rest.replace(match[0], " ");
  }
  for (const part of rest.replace(/["“”]/g, " ").split(/\s+/)) add(part);
  return words;
}

function fold(text) {
  return text.normalize("NFKC").toLowerCase();
}

// The text under `root`, folded and with whitespace squeezed, and where each character came from.
export function foldedText(root) {
  let folded = "";
  const origin = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    for (let offset = 0; offset < text.length; offset += 1) {
      const ch = text[offset];
      if (/\s/.test(ch)) {
        if (folded && !folded.endsWith(" ")) {
          folded += " ";
          origin.push([node, offset]);
        }
        continue;
      }
      for (const piece of fold(ch)) {
        folded += piece;
        origin.push([node, offset]);
      }
    }
  }
  return { folded, origin };
}

export function hitRanges(root, query) {
  const { folded, origin } = foldedText(root);
  const ranges = [];
  for (const word of queryWords(query)) {
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + word.length)) {
      const [startNode, startOffset] = origin[at];
      const [endNode, endOffset] = origin[at + word.length - 1];
      const range = document.createRange();
      range.setStart(startNode, startOffset);
      range.setEnd(endNode, endOffset + 1);
      ranges.push(range);
    }
  }
  return ranges;
}

function highlightHits() {
  const query = new URLSearchParams(window.location.search).get("highlight");
  const anchor = decodeURIComponent(window.location.hash.slice(1));
  // The passage the result links to, or (a source page) the page's text.
  const target = anchor ? document.getElementById(anchor) : document.querySelector(".page-text");
  if (!query || !target || !window.CSS?.highlights || typeof Highlight === "undefined") return;
  const ranges = hitRanges(target, query);
  if (ranges.length) CSS.highlights.set("search-hit", new Highlight(...ranges));
}

if (typeof window !== "undefined") highlightHits();

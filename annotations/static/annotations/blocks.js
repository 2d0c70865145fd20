// The document's blocks on the page: the text nodes that make up a block's text, and which block
// a node or an offset falls in. A block is a section's .text element, whose text the API also
// gives (state.blocks); offsets are code points over the whole document's text.

import { codePoints } from "./offsets.js";
import { state } from "./state.js";

const SKIPPED = ".marker, [data-annotator-skip]"; // not part of the text: note markers

// The text nodes that make up a block's text, in order: note markers and the template's
// indentation are not part of it.
export function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (parent.closest(SKIPPED)) return NodeFilter.FILTER_REJECT;
      if (!node.data.trim() && (parent === root || parent.matches("blockquote"))) {
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

// One of the API's blocks with its place on the page; null when the page's text is not the
// API's (no note is shown on it rather than on the wrong words).
export function mapBlock(block) {
  const section = document.getElementById(block.anchor);
  const root = section?.querySelector(":scope > .text");
  if (!root) return null;
  if (textNodes(root).map((node) => node.data).join("") !== block.text) {
    console.warn(`annotate.js: the text of #${block.anchor} is not the API's; no notes on it.`);
    return null;
  }
  const label = section.getAttribute("aria-label") || block.anchor;
  return { ...block, length: codePoints(block.text), root, label };
}

export function blockOf(node) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  return state.blocks.find((block) => block.root.contains(element)) || null;
}

// The element of the block holding the code point `point`, where the focus can go back to.
export function blockAt(point) {
  const block = state.blocks.find((b) => b.offset <= point && point <= b.offset + b.length);
  return block ? block.root : null;
}

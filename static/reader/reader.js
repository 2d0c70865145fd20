// Side-by-side reading: align each note with its claim, and link them on hover and focus.
// Everything here is an enhancement: without JavaScript the plain anchors do the work.

const WIDE = window.matchMedia("(min-width: 701px)");

function partners(number) {
  return document.querySelectorAll(`.claim[data-note="${number}"], .note[data-note="${number}"]`);
}

function setActive(number, active) {
  for (const element of partners(number)) {
    element.classList.toggle("is-active", active);
  }
}

function linkClaimsAndNotes(root) {
  for (const element of root.querySelectorAll(".claim, .note, .marker a, .note-number")) {
    const number = element.dataset.note || element.closest("[data-note]")?.dataset.note;
    if (!number) continue;
    const target = element.classList.contains("note") ? element : element;
    target.addEventListener("mouseenter", () => setActive(number, true));
    target.addEventListener("mouseleave", () => setActive(number, false));
    target.addEventListener("focusin", () => setActive(number, true));
    target.addEventListener("focusout", () => setActive(number, false));
  }
}

// Push each item of a margin (a note; an annotation card, see annotations/cards.js) down to the
// line of the words it belongs to, never over the item above it, where the margin stands beside
// the text.
function marginTarget(row, item) {
  if (item.classList.contains("note")) {
    return row.querySelector(`.claim[data-note="${item.dataset.note}"]`);
  }
  return row.querySelector(`.annotation-highlight[data-annotation="${item.dataset.annotation}"]`);
}

function beside(column, text) {
  return text && column.getBoundingClientRect().left >= text.getBoundingClientRect().right;
}

function align(root) {
  for (const row of root.querySelectorAll(".row")) {
    const text = row.querySelector(":scope > .text");
    for (const column of row.querySelectorAll(":scope > .notes, :scope > .annotations")) {
      const items = column.querySelectorAll(":scope > .note, :scope > .annotation-card");
      for (const item of items) {
        item.style.marginTop = "";
      }
      if (!WIDE.matches || !beside(column, text)) continue;
      const top = column.getBoundingClientRect().top;
      let floor = 0;
      for (const item of items) {
        const target = marginTarget(row, item);
        if (!target || item.hidden) continue;
        const want = target.getBoundingClientRect().top - top;
        const natural = item.offsetTop;
        const shift = Math.max(0, want - Math.max(natural, floor));
        item.style.marginTop = `${shift}px`;
        floor = item.offsetTop + item.offsetHeight;
      }
    }
  }
}

function start() {
  const reader = document.querySelector(".reader");
  if (!reader) return;
  linkClaimsAndNotes(reader);
  align(reader);
  WIDE.addEventListener("change", () => align(reader));
  // annotations/cards.js announces each change to the highlights and cards it shows.
  document.addEventListener("reader:layout", () => align(reader));
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => align(reader));
  });
  document.documentElement.classList.add("reader-enhanced");
}

start();

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

// Push each note down to the line of its claim, never over the note above it.
function align(root) {
  for (const row of root.querySelectorAll(".row")) {
    let floor = 0;
    for (const note of row.querySelectorAll(".note")) {
      note.style.marginTop = "";
    }
    if (!WIDE.matches) continue;
    const rowTop = row.getBoundingClientRect().top;
    for (const note of row.querySelectorAll(".note")) {
      const claim = row.querySelector(`.claim[data-note="${note.dataset.note}"]`);
      if (!claim) continue;
      const want = claim.getBoundingClientRect().top - rowTop;
      const natural = note.offsetTop;
      const shift = Math.max(0, want - Math.max(natural, floor));
      note.style.marginTop = `${shift}px`;
      floor = note.offsetTop + note.offsetHeight;
    }
  }
}

function start() {
  const reader = document.querySelector(".reader");
  if (!reader) return;
  linkClaimsAndNotes(reader);
  align(reader);
  WIDE.addEventListener("change", () => align(reader));
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => align(reader));
  });
  document.documentElement.classList.add("reader-enhanced");
}

start();

// The progress of a source file's reading, on the source page: polls the state (JSON) while the
// work is queued or running and updates the bars, the state's sentence (a live region: state
// changes are announced) and the retry button. Without JavaScript the page shows the state at
// the time it was loaded.

const POLL_MS = 1000;
const box = document.querySelector(".processing[data-status-url]");

function stageElement(stage) {
  const stages = box.querySelector(".processing-stages");
  let element = stages.querySelector(`[data-stage="${CSS.escape(stage.stage)}"]`);
  if (!element) {
    element = document.createElement("p");
    element.className = "processing-stage";
    element.dataset.stage = stage.stage;
    const label = document.createElement("label");
    const bar = document.createElement("progress");
    bar.id = `progress-${stage.stage}`;
    label.htmlFor = bar.id;
    label.textContent = stage.label;
    const count = document.createElement("span");
    count.className = "progress-count";
    element.append(label, " ", bar, " ", count);
    stages.append(element);
  }
  return element;
}

function show(state) {
  for (const stage of state.stages) {
    const element = stageElement(stage);
    const bar = element.querySelector("progress");
    bar.max = Math.max(stage.total, 1);
    bar.value = stage.done;
    bar.textContent = `${stage.done} / ${stage.total}`;
    element.querySelector(".progress-count").textContent = `${stage.done} / ${stage.total}`;
  }
  const message = box.querySelector(".processing-message");
  if (message.textContent !== state.message) message.textContent = state.message;
  box.querySelector(".processing-retry").hidden = !state.may_retry;
  box.querySelector(".processing-done").hidden = state.status !== "done";
  box.dataset.status = state.status;
}

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.status === 403 || response.status === 404) return; // logged out, or gone
    if (response.ok) {
      const state = await response.json();
      show(state);
      if (state.status === "done" || state.status === "failed") return;
    }
  } catch {
    // A network error: try again at the next beat.
  }
  setTimeout(poll, POLL_MS);
}

if (box && (box.dataset.status === "queued" || box.dataset.status === "running")) {
  setTimeout(poll, POLL_MS);
}

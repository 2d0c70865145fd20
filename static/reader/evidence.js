// Judge a claim in one click: each note's evidence block (templates/reader/_claim_evidence.html)
// holds the claim's best evidence sentence and the buttons Supported / Disputed / Needs checking,
// hidden in the page every reader shares; here they are shown to analysts (the annotator's
// configuration, #annotator-config, says who is reading), and a click records the judgement at
// once as an annotation on the claim's words (POST to the annotations API, seen by the analysts),
// which the claim ledger then counts. A reason can be added afterwards to that annotation.

function readConfig() {
  const element = document.getElementById("annotator-config");
  try {
    return element ? JSON.parse(element.textContent) : null;
  } catch {
    return null;
  }
}

async function record(config, block, judgement) {
  const start = Number(block.dataset.start);
  const end = Number(block.dataset.end);
  const response = await fetch(config.urls.annotations, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": config.csrfToken,
    },
    body: JSON.stringify({
      document: config.document,
      target: { selector: [{ type: "TextPositionSelector", start, end }] },
      motivation: "assessing",
      judgement,
      visibility: "analysts",
    }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.detail || response.statusText);
  return body;
}

function enable(config, block) {
  const group = block.querySelector(".judge");
  const status = block.querySelector(".judge-status");
  if (!group || !status) return;
  group.hidden = false;
  group.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-judgement]");
    if (!button) return;
    const buttons = group.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await record(config, block, button.dataset.judgement);
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      status.textContent = status.dataset.recorded.replace("{judgement}", button.textContent);
    } catch (error) {
      status.textContent = status.dataset.failed.replace("{error}", error.message);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

const config = readConfig();
if (config?.analyst && config.csrfToken) {
  document.querySelectorAll(".claim-evidence").forEach((block) => enable(config, block));
}

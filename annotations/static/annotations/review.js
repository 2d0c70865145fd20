// Review and moderation on the cards: Resolve and Reopen on a thread's first card (its author, or
// a member of its team: the API's can_resolve), and Flag on a note others wrote (can_flag), which
// asks for the reason in a small form under the card's actions, then shows "Flagged".

import { ApiError, api, annotationUrl } from "./api.js";
import { onCardAction, render } from "./cards.js";
import { MSG, announce, state } from "./state.js";

// The API's answer is the note as it is now: put it in the state and draw the cards again, the
// focus going to what `refocus` finds in the new card.
function update(annotation, refocus) {
  state.annotations.set(annotation.id, annotation);
  render();
  const card = document.getElementById(`annotation-${annotation.id}`);
  (card && refocus(card))?.focus();
}

async function review(annotation, action) {
  let answer;
  try {
    answer = await api(`${annotationUrl(annotation.id)}${action}/`, { method: "POST" });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    announce(error.message);
    return;
  }
  update(answer, (card) =>
    card.querySelector(action === "resolve" ? ".resolution-toggle" : '[data-action="resolve"]'),
  );
  announce(action === "resolve" ? MSG.resolved : MSG.reopened);
}

function openFlagForm(annotation, button) {
  const actions = button.closest(".annotation-actions");
  if (actions.nextElementSibling?.classList.contains("annotation-flag-form")) {
    actions.nextElementSibling.querySelector("textarea").focus();
    return;
  }
  const template = document.getElementById("annotation-flag-template");
  const form = template.content.firstElementChild.cloneNode(true);
  const reason = form.elements.reason;
  const error = form.querySelector(".flag-error");
  actions.after(form);
  reason.focus();
  const close = () => {
    form.remove();
    button.focus();
  };
  form.querySelector('[data-flag="cancel"]').addEventListener("click", close);
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    close();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let answer;
    try {
      answer = await api(`${annotationUrl(annotation.id)}flag/`, {
        method: "POST",
        data: { reason: reason.value },
      });
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      error.textContent = failure.message;
      error.hidden = false;
      reason.focus();
      return;
    }
    update(answer, (card) => card); // a reply's item has the id a card would: it gets the focus
    announce(MSG.flagSent);
  });
}

export function setUpReview() {
  onCardAction((action, annotation, button) => {
    if (action === "resolve" || action === "reopen") review(annotation, action);
    else if (action === "flag") openFlagForm(annotation, button);
  });
}

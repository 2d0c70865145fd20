// Aligning a translation with the original: words selected in the page text can fill the form.
// An enhancement only: without JavaScript the analyst pastes the words into the form.

let selected = "";

document.addEventListener("selectionchange", () => {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed) return;
  const node = selection.anchorNode;
  const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  if (element?.closest(".page-text")) selected = selection.toString().trim();
});

for (const button of document.querySelectorAll(".align-form .use-selection")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    const field = button.form.querySelector("textarea[name='text']");
    if (!selected) {
      field.focus();
      return;
    }
    field.value = selected;
    field.focus();
  });
}

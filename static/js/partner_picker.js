// The partner pickers (partnerships/widgets.py): htmx fills the matches under
// the search box; choosing one puts its id in the hidden input the form sends.
function pickerParts(element) {
  const picker = element.closest("[data-partner-picker]");
  if (!picker) return null;
  return {
    picker,
    box: picker.querySelector("input[type=search]"),
    matches: [...picker.querySelectorAll("[data-partner-id]")],
    results: picker.querySelector("[data-partner-results]"),
  };
}

// The matches came: the live region says how many (or that none did), so a
// screen reader tells it while the focus stays in the box.
document.addEventListener("htmx:afterSwap", (event) => {
  const parts = pickerParts(event.detail.target);
  if (!parts || event.detail.target !== parts.results) return;
  const summary = parts.results.querySelector("[data-partner-summary]");
  parts.picker.querySelector("[data-partner-status]").textContent = summary ? summary.textContent : "";
});

// A choice's button is about to go with the list: the focus goes back to the
// box, which now shows the choice, and Tab goes on to the next field.
document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-partner-id]");
  if (!choice) return;
  const { picker, box, results } = pickerParts(choice);
  picker.querySelector("input[type=hidden]").value = choice.dataset.partnerId;
  box.value = choice.dataset.partnerLabel;
  results.replaceChildren();
  box.focus();
});

// Typing again drops the choice: what the box shows is what the form sends.
document.addEventListener("input", (event) => {
  if (event.target.type !== "search") return;
  const parts = pickerParts(event.target);
  if (parts) parts.picker.querySelector("input[type=hidden]").value = "";
});

// The keyboard, as in a list of suggestions: Down from the box goes to the
// first match, Down and Up move along them, Escape closes the list and goes
// back to the box; Enter or Space on a match chooses it (the button's click).
// Enter in the box searches at once, or goes to the first match shown,
// instead of sending the whole form half filled.
document.addEventListener("keydown", (event) => {
  const parts = pickerParts(event.target);
  if (!parts) return;
  const { box, matches, results } = parts;
  const onBox = event.target === box;
  const at = matches.indexOf(event.target);
  if (!onBox && at === -1) return;
  let next = null;
  if (event.key === "ArrowDown") {
    next = matches[onBox ? 0 : Math.min(at + 1, matches.length - 1)];
  } else if (event.key === "ArrowUp" && !onBox) {
    next = at === 0 ? box : matches[at - 1];
  } else if (event.key === "Enter" && onBox) {
    event.preventDefault();
    if (matches.length) matches[0].focus();
    else window.htmx?.trigger(box, "search");
    return;
  } else if (event.key === "Escape" && !onBox) {
    results.replaceChildren();
    next = box;
  } else {
    return;
  }
  event.preventDefault();
  next?.focus();
});

// Leaving the picker for another field closes its list, which would
// otherwise lie over the fields below it.
document.addEventListener("focusout", (event) => {
  const parts = pickerParts(event.target);
  const to = event.relatedTarget;
  if (parts && to && !parts.picker.contains(to)) parts.results.replaceChildren();
});

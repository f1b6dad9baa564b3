// The partner pickers (partnerships/widgets.py): htmx fills the matches under
// the search box; choosing one puts its id in the hidden input the form sends.
document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-partner-id]");
  if (!choice) return;
  const picker = choice.closest("[data-partner-picker]");
  picker.querySelector("input[type=hidden]").value = choice.dataset.partnerId;
  picker.querySelector("input[type=search]").value = choice.dataset.partnerLabel;
  picker.querySelector("[data-partner-results]").replaceChildren();
});

// Typing again drops the choice: what the box shows is what the form sends.
document.addEventListener("input", (event) => {
  if (event.target.type !== "search") return;
  const picker = event.target.closest("[data-partner-picker]");
  if (picker) picker.querySelector("input[type=hidden]").value = "";
});

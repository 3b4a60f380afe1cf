// Whether the clerk has typed something not yet saved: forms that edit
// stored data carry `use:tracksEdits`, which marks them while their fields
// differ from what was last saved. A restart into an update asks this first
// (the backend refuses to restart while it is true).

/** Marks `form` as holding unsaved edits from the first input until it is submitted or reset. */
export function tracksEdits(form: HTMLFormElement) {
  const dirty = () => (form.dataset.unsaved = "true");
  const clean = () => delete form.dataset.unsaved;
  form.addEventListener("input", dirty);
  form.addEventListener("change", dirty);
  form.addEventListener("submit", clean);
  form.addEventListener("reset", clean);
  return {
    destroy() {
      form.removeEventListener("input", dirty);
      form.removeEventListener("change", dirty);
      form.removeEventListener("submit", clean);
      form.removeEventListener("reset", clean);
    },
  };
}

/** True while any form on screen holds unsaved edits. */
export function hasUnsavedEdits(root: ParentNode = document): boolean {
  return root.querySelector("form[data-unsaved='true']") !== null;
}

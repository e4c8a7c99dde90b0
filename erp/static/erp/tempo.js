// Small behaviours without inline handlers, so a strict content security policy can apply.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // A header checkbox ticks every enabled checkbox of its name in the same form.
  document.querySelectorAll("input[type=checkbox][data-check-all]").forEach((all) => {
    all.addEventListener("change", () => {
      all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]:not(:disabled)`).forEach((box) => {
        box.checked = all.checked;
      });
    });
  });
  // Tree tables: rows carry data-depth in depth-first order; a toggle hides or shows the rows below its own.
  document.querySelectorAll("table[data-tree] .tree-toggle").forEach((toggle) => {
    toggle.addEventListener("click", () => {
      const row = toggle.closest("tr");
      const depth = Number(row.dataset.depth);
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      for (let next = row.nextElementSibling; next && Number(next.dataset.depth) > depth; next = next.nextElementSibling) {
        // Opening shows only direct children; deeper rows follow their own toggles.
        const child = Number(next.dataset.depth) === depth + 1;
        if (!open) next.classList.add("tree-hidden");
        else if (child) {
          next.classList.remove("tree-hidden");
          const inner = next.querySelector(".tree-toggle");
          if (inner) inner.setAttribute("aria-expanded", "false");
        }
      }
    });
  });
});

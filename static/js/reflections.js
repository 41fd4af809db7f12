// Reflections: keep a last draft when the tab is closed or hidden. The form autosaves
// with htmx while typing; this only catches the final seconds. Works without it too.
(() => {
  const form = document.querySelector("form.reflection-form");
  const status = document.getElementById("draft-status");
  if (!form || !status || !navigator.sendBeacon) return;
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && dirty) {
      const data = new FormData(form);
      data.append("beacon", "1");
      navigator.sendBeacon(status.getAttribute("hx-post"), data);
      dirty = false;
    }
  });
})();

// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// Focus and announcements after every htmx swap (README, "Focus and announcements"). The
// control a person used keeps keyboard focus: found again in the new fragment by id, label,
// name and value, or text; where it is gone, its replacement gets focus (the element the
// server marked data-focus-after-swap, else the swapped region itself). What changed is
// said once, politely, in base.html's #announcer: the server sends it with
// core.htmx.announce (an "announce" event after the swap settles).
(function () {
  "use strict";
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]";
  let used = null;

  function describe(el) {
    if (!el || el === document.body || el === document.documentElement) return null;
    return {
      id: el.id,
      tag: el.tagName,
      name: el.getAttribute("name"),
      value: el.value,
      label: el.getAttribute("aria-label"),
      text: (el.textContent || "").trim(),
    };
  }

  function sameControl(el) {
    if (el.tagName !== used.tag) return false;
    if (used.label) return el.getAttribute("aria-label") === used.label;
    if (used.name) return el.getAttribute("name") === used.name && el.value === used.value;
    return used.text !== "" && (el.textContent || "").trim() === used.text;
  }

  function replacement(root) {
    if (used.id && document.getElementById(used.id)) return document.getElementById(used.id);
    const same = Array.from(root.querySelectorAll(used.tag)).find(sameControl);
    if (same) return same;
    const marked = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
    if (marked) return marked.matches(FOCUSABLE) ? marked : marked.querySelector(FOCUSABLE) || marked;
    return root;
  }

  function say(text) {
    const region = document.getElementById("announcer");
    if (!region || !text) return;
    // Emptied first so the same words said twice ("Your answer: going") are said again.
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 100);
  }

  document.addEventListener("htmx:beforeRequest", () => {
    used = describe(document.activeElement);
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const root = event.target;
    if (!used || !(root instanceof Element) || !root.isConnected) return;
    const active = document.activeElement;
    // Focus still on a control that stayed (a search box whose results were swapped).
    if (active && active !== document.body && active.isConnected) {
      used = null;
      return;
    }
    const target = replacement(root);
    used = null;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    target.focus();
  });

  document.addEventListener("announce", (event) => say(event.detail && event.detail.text));
})();

// Timezone selects (accounts.forms.timezone_widget) offer this device's own zone first,
// marked "(this device)". Only where the server says nothing was chosen yet
// (data-device-zone="choose") and the field still holds what the page came with is it
// also selected; a saved choice is never changed. Without this the server's list works.
// Browsers may name the zone by an older alias (Chromium says "Asia/Calcutta" for
// Asia/Kolkata): an offered zone matches when the browser resolves it to the same name.
(function () {
  "use strict";
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  if (!zone) return;
  function resolvesToDevice(name) {
    try {
      return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone === zone;
    } catch (error) {
      return false;
    }
  }
  // The sign-up form's hidden field takes the zone as the browser names it; the server
  // keeps it only when it is (or links to) a zone it offers, else the site's default.
  document.querySelectorAll("input[data-device-zone-field]").forEach((input) => {
    input.value = zone;
  });
  document.querySelectorAll("select[data-device-zone]").forEach((select) => {
    const options = Array.from(select.options);
    const listed = options.filter((option) => option.parentElement.tagName === "OPTGROUP");
    const offered = listed.find((option) => option.value === zone) ||
      listed.find((option) => resolvesToDevice(option.value));
    if (!offered) return;
    const initial = options.find((option) => option.defaultSelected) || options[0];
    const untouched = select.value === initial.value;
    const before = select.value;
    // The catalog (/jsi18n/) translates; without it the English words stand.
    const gettext = window.gettext || ((text) => text);
    const interpolate = window.interpolate ||
      ((text, values) => text.replace(/%\((\w+)\)s/g, (whole, name) => String(values[name])));
    const label = interpolate(gettext("%(zone)s (this device)"), { zone: offered.text }, true);
    const mine = new Option(label, offered.value);
    select.insertBefore(mine, select.firstChild);
    select.value = select.dataset.deviceZone === "choose" && untouched ? offered.value : before;
  });
})();

// A framed page of our own marked data-fit-content (the digest preview's email) grows to
// its content's height, so nothing is cut off; without this the frame scrolls.
(function () {
  "use strict";
  function fit(frame) {
    let doc = null;
    try {
      doc = frame.contentDocument;
    } catch (error) {
      return;
    }
    if (!doc || !doc.documentElement) return;
    frame.style.minHeight = "0";
    frame.style.height = "0";  // measured from nothing, so the frame can shrink as well as grow
    frame.style.height = `${doc.documentElement.scrollHeight + 2}px`;
  }
  const frames = Array.from(document.querySelectorAll("iframe[data-fit-content]"));
  frames.forEach((frame) => {
    frame.addEventListener("load", () => fit(frame));
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
  });
  let pending = null;
  window.addEventListener("resize", () => {
    window.clearTimeout(pending);
    pending = window.setTimeout(() => frames.forEach(fit), 100);
  });
})();

// Member pickers (communities.pickers): typing asks the server for matching people (htmx,
// on the search box itself). Enter in the search box searches at once instead of sending
// the whole form. Enter in any other box of the form sends it with its own button ("Save"),
// not with the picker's "Find", which a browser would take as the form's first button.
// Without this file, Enter and "Find" send the form, which comes back as typed with the
// matching people to choose from, and nothing is saved.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !window.htmx || !(event.target instanceof HTMLInputElement)) return;
  const input = event.target;
  const picker = input.closest("[data-member-picker]");
  if (picker && input.type === "search") {
    event.preventDefault();
    input.dispatchEvent(new Event("search"));
    return;
  }
  const form = input.form;
  if (picker || !form || !form.querySelector("[data-member-picker]")) return;
  if (["checkbox", "radio", "button", "submit", "file"].includes(input.type)) return;
  const own = Array.from(form.querySelectorAll("button[type=submit], input[type=submit]"))
    .filter((button) => !button.closest("[data-member-picker]"));
  if (!own.length) return;
  event.preventDefault();
  form.requestSubmit(own[own.length - 1]);
});

// A picker's suggestions can arrive after the person ticked or unticked someone (the search
// was sent a moment before): what they chose meanwhile wins over the answer, and a person
// ticked whom the answer does not list stays, first. Without this, a tick made during a
// search could be swapped away.
document.addEventListener("htmx:beforeSwap", (event) => {
  const old = event.detail.target;
  if (!(old instanceof Element) || !old.matches(".picker-choices")) return;
  if (typeof event.detail.serverResponse !== "string") return;
  const template = document.createElement("template");
  template.innerHTML = event.detail.serverResponse;
  const fresh = template.content.querySelector(".picker-choices");
  if (!fresh) return;
  const before = Array.from(old.querySelectorAll("input"));
  const ticked = before.filter((input) => input.checked).map((input) => input.value);
  const offered = Array.from(fresh.querySelectorAll("input"));
  const single = before.concat(offered).some((input) => input.type === "radio");
  offered.forEach((input) => {
    const was = before.find((other) => other.value === input.value);
    if (was) input.toggleAttribute("checked", was.checked);
    else if (single && ticked.length) input.removeAttribute("checked");
  });
  before.filter((input) => input.checked).reverse().forEach((input) => {
    if (offered.some((other) => other.value === input.value)) return;
    const row = input.closest(".choice").cloneNode(true);
    row.querySelector("input").setAttribute("checked", "");
    fresh.insertBefore(row, fresh.firstChild);
  });
  event.detail.serverResponse = template.innerHTML;
});

// @mentions (communities.mentions): in a text box marked data-mentions, in a form whose
// data-mention-url says where to ask (its community's member search), typing
// "@" and a few letters offers the matching members of the community in a list under the
// box. Nobody is chosen until the arrow keys move into the list; then Enter or Tab inserts
// the chosen person's mention ("@[Name](id)"). Before that, Enter and Tab do what they
// always do (a new line, the next field), so typing on is never hijacked. Escape closes
// the list; the box keeps the focus throughout (a combobox).
// Without this file people type "@Name" or "@handle", which saving resolves.
(function () {
  const TYPED = /(^|[^\w@.+-])@([^\s@[\]()]{1,40})$/;
  let asked = 0;

  function boxFor(field) {
    let box = document.getElementById(`${field.id}_mentions`);
    if (!box) {
      box = document.createElement("div");
      box.id = `${field.id}_mentions`;
      box.className = "mention-box";
      box.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", box);
      field.setAttribute("aria-autocomplete", "list");
      field.setAttribute("aria-controls", box.id);
    }
    return box;
  }

  function options(field) {
    return Array.from(boxFor(field).querySelectorAll("[role=option]"));
  }

  function close(field) {
    const box = document.getElementById(`${field.id}_mentions`);
    if (box) box.innerHTML = "";
    // Open or not is kept in a data attribute: a textarea (role textbox) may not carry
    // aria-expanded; the suggestions box itself is a live region.
    field.dataset.mentionsOpen = "false";
    field.removeAttribute("aria-activedescendant");
  }

  function activate(field, index) {
    const all = options(field);
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (all[index]) field.setAttribute("aria-activedescendant", all[index].id);
  }

  function choose(field, option) {
    const caret = field.selectionStart;
    const match = field.value.slice(0, caret).match(TYPED);
    if (!match) return close(field);
    const start = caret - match[2].length - 1;
    field.setRangeText(`${option.dataset.token} `, start, caret, "end");
    close(field);
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.id) return;
    if (!field.hasAttribute("data-mentions")) return;
    const form = field.closest("form[data-mention-url]");
    if (!form) return;
    const match = field.value.slice(0, field.selectionStart).match(TYPED);
    if (!match) return close(field);
    const ask = ++asked;
    fetch(`${form.dataset.mentionUrl}&q=${encodeURIComponent(match[2])}`, {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then((answer) => (answer.ok ? answer.text() : ""))
      .then((html) => {
        if (ask !== asked) return; // A newer letter was typed meanwhile.
        const box = boxFor(field);
        box.innerHTML = html;
        options(field).forEach((option, i) => {
          option.id = `${field.id}_mention_${i}`;
          option.addEventListener("mousedown", (down) => {
            down.preventDefault();
            choose(field, option);
          });
        });
        const any = options(field).length > 0;
        field.dataset.mentionsOpen = String(any);
        field.removeAttribute("aria-activedescendant");
      })
      .catch(() => close(field));
  });

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || field.dataset.mentionsOpen !== "true") {
      return;
    }
    const all = options(field);
    if (!all.length) return;
    const current = all.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (current < 0) {
        activate(field, event.key === "ArrowDown" ? 0 : all.length - 1);
      } else {
        const step = event.key === "ArrowDown" ? 1 : all.length - 1;
        activate(field, (current + step) % all.length);
      }
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (current < 0) {
        close(field); // Nobody chosen: the key does what it always does.
        return;
      }
      event.preventDefault();
      choose(field, all[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(field);
    }
  });

  document.addEventListener("focusout", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement && field.closest("form[data-mention-url]")) {
      setTimeout(() => close(field), 150);
    }
  });
})();

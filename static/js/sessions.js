// sessions app: show the facilitator's own time beside the community time they type.
// Progressive enhancement only: the server shows the same conversion after saving.
(function () {
  "use strict";
  // The JavaScript catalog (/jsi18n/, loaded first by base.html) translates; without it
  // the English words stand and the placeholders are still filled.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate ||
    ((text, values) => text.replace(/%\((\w+)\)s/g, (whole, name) => String(values[name])));

  function offsetMinutes(timeZone, instant) {
    // The zone's UTC offset at `instant`, read back through Intl.
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(instant));
    const get = (type) => Number(parts.find((p) => p.type === type).value);
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return (asUtc - instant) / 60000;
  }

  function instantOf(wallClock, timeZone) {
    // Wall-clock "YYYY-MM-DDTHH:MM" in `timeZone` → a UTC instant (two passes settle DST).
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wallClock);
    if (!match) return null;
    const naive = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
    let instant = naive - offsetMinutes(timeZone, naive) * 60000;
    instant = naive - offsetMinutes(timeZone, instant) * 60000;
    return instant;
  }

  function update(input, output) {
    const instant = instantOf(input.value, input.dataset.communityTz);
    if (instant === null) {
      output.textContent = "";
      return;
    }
    // The moment in the page's language ("Tuesday 1 July at 13:30", "mardi 1 juillet à 13:30").
    const local = new Intl.DateTimeFormat(document.documentElement.lang || "en-GB", {
      timeZone: input.dataset.userTz, weekday: "long", day: "numeric", month: "long",
      hour: "2-digit", minute: "2-digit",
    }).format(new Date(instant));
    output.textContent = interpolate(
      gettext("That is %(moment)s your time (%(zone)s)."),
      { moment: local, zone: input.dataset.userTz },
      true,
    );
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-user-tz][data-community-tz]").forEach((input) => {
      const output = document.createElement("p");
      output.className = "hint your-time";
      output.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", output);
      input.addEventListener("input", () => update(input, output));
      update(input, output);
    });
  });
})();

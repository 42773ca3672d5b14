/* The patient's page (docs/webapp.md): reads Telegram's initData, asks the bot's own API for the
   person's plan and shows it. Plain DOM, no framework: every value goes in through textContent
   or attributes, never as markup. Every word comes from api/texts (bot/texts/webapp.py). */
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const STATUSES = ["on_time", "early", "late", "missed", "overdue", "due_today", "upcoming"];
  const BEFORE_ENROLMENT = "before_enrolment"; // a dose from before sign-up, whose date was given
  const SHAPES = { on_time: "circle", early: "down", late: "up", missed: "cross" };
  const SWIPE_MIN = 40;
  const NUMBERED_UP_TO = 24;

  const telegram = window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  const fragment = new URLSearchParams(location.hash.slice(1));
  const initData = (telegram && telegram.initData) || fragment.get("tgWebAppData") || "";
  const base = new URL(".", location.href);

  let words = {};
  let lang = guessLanguage();
  let state = null;
  let shownMonth = null; // {year, month} with month 0-11
  let selectedDay = null;
  let justConfirmed = false;

  const $ = (id) => document.getElementById(id);

  /* ---------- small helpers ---------- */

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function word(key, values) {
    let text = words[key] || "";
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function guessLanguage() {
    let code = "";
    try {
      const user = telegram && telegram.initDataUnsafe && telegram.initDataUnsafe.user;
      code = user ? user.language_code : JSON.parse(new URLSearchParams(initData).get("user") || "{}").language_code;
    } catch (error) {
      code = "";
    }
    return String(code || navigator.language || "en").toLowerCase().startsWith("de") ? "de" : "en";
  }

  function parseDay(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return new Date(Date.UTC(year, month - 1, day));
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function formatDay(iso, options) {
    return new Intl.DateTimeFormat(lang, Object.assign({ timeZone: "UTC" }, options)).format(parseDay(iso));
  }

  const longDay = (iso) => formatDay(iso, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const shortDay = (iso) => formatDay(iso, { weekday: "short", day: "numeric", month: "short" });

  function show(node, visible) {
    node.hidden = !visible;
  }

  function say(node, text) {
    node.textContent = text || "";
    show(node, Boolean(text));
  }

  /* ---------- theme ---------- */

  function applyTheme(params) {
    const root = document.documentElement;
    for (const [key, value] of Object.entries(params || {})) {
      if (typeof value === "string" && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        root.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    }
    const background = (params && params.bg_color) || getComputedStyle(root).getPropertyValue("--tg-theme-bg-color").trim();
    root.dataset.scheme = (telegram && telegram.colorScheme) || (isDark(background) ? "dark" : "light");
  }

  function isDark(colour) {
    const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(colour || "");
    if (!match) return false;
    const [r, g, b] = match.slice(1).map((part) => parseInt(part, 16));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
  }

  function fragmentTheme() {
    try {
      return JSON.parse(fragment.get("tgWebAppThemeParams") || "{}");
    } catch (error) {
      return {};
    }
  }

  /* ---------- talking to the bot ---------- */

  class Unauthorised extends Error {}
  class ServerError extends Error {}

  async function call(path, body) {
    const options = { headers: { Authorization: "tma " + initData }, cache: "no-store" };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(new URL(path, base), options);
    if (response.status === 401) throw new Unauthorised();
    const answer = await response.json().catch(() => null);
    if (!answer || (!response.ok && response.status !== 429)) throw new ServerError(String(response.status));
    return answer;
  }

  async function loadWords(code) {
    const response = await fetch(new URL("api/texts?lang=" + encodeURIComponent(code), base), { cache: "no-store" });
    if (!response.ok) throw new Error("texts " + response.status);
    words = await response.json();
    lang = code;
    document.documentElement.lang = code;
    document.title = word("title");
    $("title").textContent = word("title");
    for (const node of document.querySelectorAll("[data-word]")) node.textContent = word(node.dataset.word);
    for (const node of document.querySelectorAll("[data-label]")) node.setAttribute("aria-label", word(node.dataset.label));
    for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = word(node.dataset.placeholder);
  }

  function fail(error) {
    state = null;
    for (const view of document.querySelectorAll(".view")) view.hidden = true;
    $("tabs").hidden = true;
    const notice = $("notice");
    notice.className = "notice error";
    notice.textContent = "";
    const key = error instanceof Unauthorised ? "error_auth" : error instanceof ServerError ? "error_server" : "error_network";
    notice.append(el("span", { text: word(key) }));
    if (!(error instanceof Unauthorised)) {
      notice.append(el("button", { type: "button", className: "secondary", text: word("retry"), onclick: start }));
    }
    notice.hidden = false;
  }

  async function act(path, body, messageNode) {
    const buttons = document.querySelectorAll("button, input, textarea");
    for (const button of buttons) button.disabled = true;
    try {
      const answer = await call(path, body);
      if (answer.state) await receive(answer.state);
      if (messageNode) say(messageNode, answer.message);
      if (messageNode) messageNode.classList.toggle("refused", answer.ok === false);
      return answer;
    } catch (error) {
      fail(error);
      return null;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  async function receive(next) {
    state = next;
    if (state.language && state.language !== lang) await loadWords(state.language);
    render();
  }

  /* ---------- rendering ---------- */

  function render() {
    const notice = $("notice");
    if (!state.enrolled) {
      notice.className = "notice";
      notice.textContent = word("not_enrolled");
      notice.hidden = false;
      $("tabs").hidden = true;
      for (const view of document.querySelectorAll(".view")) view.hidden = true;
      return;
    }
    notice.hidden = true;
    $("tabs").hidden = false;
    if (!document.querySelector(".view:not([hidden])")) openView("plan");
    if (!shownMonth) {
      const today = parseDay(state.today);
      shownMonth = { year: today.getUTCFullYear(), month: today.getUTCMonth() };
    }
    renderNext();
    renderCalendar();
    renderAdherence();
    renderDiary();
    renderSettings();
  }

  function openView(name) {
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const active = tab.dataset.view === name;
      tab.setAttribute("aria-selected", active ? "true" : "false");
      $("view-" + tab.dataset.view).hidden = !active;
    }
  }

  function daysToGo(next) {
    if (next.days_to_go === 0) return word("due_today");
    if (next.days_to_go === 1) return word("in_one_day");
    if (next.days_to_go > 1) return word("in_days", { count: next.days_to_go });
    if (next.days_to_go === -1) return word("one_day_ago");
    return word("days_ago", { count: -next.days_to_go });
  }

  function badge(status, provisional) {
    return el("span", {
      className: "badge st-" + status + (provisional ? " provisional" : ""),
      text: word("status_" + status) + (provisional ? " · " + word("status_provisional") : ""),
    });
  }

  function renderNext() {
    const next = state.next;
    const body = $("next-body");
    body.textContent = "";
    const confirm = $("confirm");
    if (state.settings && state.settings.paused) body.append(el("p", { className: "message", text: word("paused") }));
    if (!next) {
      body.append(el("p", { text: word("no_next_dose") }));
      show(confirm, false);
    } else {
      const phase = next.phase === "loading"
        ? word("phase_loading", { index: next.phase_index, of: next.phase_of })
        : word("phase_monthly", { index: next.phase_index });
      body.append(
        el("p", { className: "next-date", id: "next-date", dataset: { planned: next.planned }, text: longDay(next.planned) }),
        el("p", { className: "next-line" }, [
          el("strong", { text: daysToGo(next) }),
          document.createTextNode(" · " + word("reminder_at", { time: next.reminder_time })),
        ]),
        el("p", { className: "next-line", id: "next-phase" }, [
          document.createTextNode(word("dose_number", { number: next.number }) + " · " + phase + " "),
          badge(next.status, next.provisional),
        ]),
      );
      if (next.provisional) body.append(el("p", { className: "hint", text: word("provisional_hint") }));
      confirm.textContent = word("confirm");
      show(confirm, Boolean(next.due));
    }
    show($("undo"), Boolean(justConfirmed && state.undo));
    $("undo").textContent = word("undo");
    say($("timing-note"), state.notes && state.notes.timing);
  }

  function eventsByDay() {
    const days = new Map();
    const add = (iso, item) => {
      if (!days.has(iso)) days.set(iso, []);
      days.get(iso).push(item);
    };
    for (const dose of state.doses || []) {
      add(dose.planned, { kind: "dose", dose });
      if (dose.taken && dose.taken !== dose.planned) add(dose.taken, { kind: "taken", dose });
    }
    for (const appointment of state.appointments || []) add(appointment.day, { kind: "appointment", appointment });
    for (const period of state.pen_periods || []) {
      const end = parseDay(period.end || period.start);
      for (let day = parseDay(period.start); day <= end; day.setUTCDate(day.getUTCDate() + 1)) {
        add(isoDay(day), { kind: "pen", period });
      }
    }
    return days;
  }

  function renderCalendar() {
    const { year, month } = shownMonth;
    const first = new Date(Date.UTC(year, month, 1));
    $("month-title").textContent = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(first);

    const weekdays = $("weekdays");
    weekdays.textContent = "";
    const weekdayName = new Intl.DateTimeFormat(lang, { weekday: "short", timeZone: "UTC" });
    for (let index = 0; index < 7; index += 1) {
      weekdays.append(el("span", { text: weekdayName.format(new Date(Date.UTC(2024, 0, 1 + index))) }));
    }

    const events = eventsByDay();
    const grid = $("month-grid");
    grid.textContent = "";
    const lead = (first.getUTCDay() + 6) % 7; // Monday first
    for (let index = 0; index < lead; index += 1) grid.append(el("span", { className: "day blank", "aria-hidden": "true" }));
    const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    for (let number = 1; number <= length; number += 1) {
      const iso = isoDay(new Date(Date.UTC(year, month, number)));
      const items = events.get(iso) || [];
      const dose = items.find((item) => item.kind === "dose");
      const classes = ["day"];
      const data = { date: iso };
      if (dose) {
        classes.push("dose", "st-" + dose.dose.status);
        if (dose.dose.provisional) classes.push("provisional");
        data.status = dose.dose.status;
        data.dose = String(dose.dose.number);
      }
      if (items.some((item) => item.kind === "taken")) classes.push("taken-here");
      if (items.some((item) => item.kind === "appointment")) classes.push("appointment");
      if (items.some((item) => item.kind === "pen")) classes.push("pen");
      if (iso === state.today) classes.push("today");
      if (iso === selectedDay) classes.push("selected");
      const label = [longDay(iso), ...items.map(describe)].join(". ");
      grid.append(
        el("button", {
          type: "button",
          className: classes.join(" "),
          dataset: data,
          "aria-label": label,
          "aria-current": iso === state.today ? "date" : null,
          onclick: () => {
            if (swiped) return;
            selectedDay = iso;
            renderCalendar();
          },
        }, [el("span", { className: "number", text: String(number) }), el("span", { className: "marks", "aria-hidden": "true" })]),
      );
    }
    renderDetails(events);
    renderLegend();
  }

  function describe(item) {
    if (item.kind === "dose" || item.kind === "taken") {
      const dose = item.dose;
      const parts = [word("dose_number", { number: dose.number }), word("status_" + dose.status)];
      if (dose.provisional) parts.push(word("status_provisional"));
      parts.push(word("planned_on", { date: shortDay(dose.planned) }));
      if (dose.taken) parts.push(word("taken_on", { date: shortDay(dose.taken) }));
      return parts.join(" · ");
    }
    if (item.kind === "appointment") {
      const appointment = item.appointment;
      return [word("appointment"), appointment.name, appointment.at, appointment.note].filter(Boolean).join(" · ");
    }
    return word("pen_period") + " · " + word("dose_number", { number: item.period.number });
  }

  function renderDetails(events) {
    const details = $("day-details");
    details.textContent = "";
    if (!selectedDay) {
      details.hidden = true;
      return;
    }
    const items = events.get(selectedDay) || [];
    details.append(el("h3", { text: longDay(selectedDay) }));
    if (!items.length) details.append(el("p", { text: word("nothing_on_day") }));
    const list = el("ul");
    for (const item of items) {
      const swatch = item.dose ? "st-" + item.dose.status + (item.dose.provisional ? " provisional" : "") : item.kind;
      list.append(el("li", { className: "detail" }, [el("span", { className: "swatch " + swatch, "aria-hidden": "true" }), el("span", { text: describe(item) })]));
    }
    details.append(list);
    details.hidden = false;
  }

  function renderLegend() {
    const legend = $("legend");
    legend.textContent = "";
    const entry = (className, text) => legend.append(el("li", {}, [el("span", { className: "swatch " + className, "aria-hidden": "true" }), el("span", { text })]));
    for (const status of STATUSES) entry("st-" + status, word("status_" + status));
    if ((state.doses || []).some((dose) => dose.status === BEFORE_ENROLMENT)) {
      entry("st-" + BEFORE_ENROLMENT, word("status_before_enrolment"));
    }
    entry("st-upcoming provisional", word("status_provisional"));
    entry("appointment", word("appointment"));
    entry("pen", word("pen_period"));
    entry("taken-here", word("injected_here"));
    entry("today", word("today"));
  }

  function shiftMonth(step) {
    const moved = new Date(Date.UTC(shownMonth.year, shownMonth.month + step, 1));
    shownMonth = { year: moved.getUTCFullYear(), month: moved.getUTCMonth() };
    selectedDay = null;
    renderCalendar();
  }

  /* Horizontal swipe over the month (pointer events cover touch, pen and mouse). */
  let swipeStart = null;
  let swiped = false;

  function watchSwipes(grid) {
    grid.addEventListener("pointerdown", (event) => {
      swipeStart = { x: event.clientX, y: event.clientY };
      swiped = false;
    });
    grid.addEventListener("pointerup", (event) => {
      if (!swipeStart) return;
      const dx = event.clientX - swipeStart.x;
      const dy = event.clientY - swipeStart.y;
      swipeStart = null;
      if (Math.abs(dx) >= SWIPE_MIN && Math.abs(dx) > 1.5 * Math.abs(dy)) {
        swiped = true;
        shiftMonth(dx < 0 ? 1 : -1);
        setTimeout(() => { swiped = false; }, 0);
      }
    });
    grid.addEventListener("pointercancel", () => { swipeStart = null; });
  }

  function renderAdherence() {
    const adherence = state.adherence || { points: [] };
    const counts = $("counts");
    counts.textContent = "";
    for (const status of ["on_time", "early", "late", "missed"]) {
      counts.append(el("div", { className: "count st-" + status, dataset: { status } }, [
        el("span", { className: "count-number", text: String(adherence[status] || 0) }),
        el("span", { className: "count-label", text: word("status_" + status) }),
      ]));
    }
    const chart = $("chart");
    chart.textContent = "";
    const legend = $("chart-legend");
    legend.textContent = "";
    const points = (adherence.points || []).filter((point) => SHAPES[point.status]);
    if (!points.length) {
      chart.append(el("p", { className: "hint", text: word("chart_empty") }));
      return;
    }
    chart.append(drawChart(points));
    for (const status of Object.keys(SHAPES)) {
      if (!points.some((point) => point.status === status)) continue;
      const icon = svg("svg", { viewBox: "-8 -8 16 16", width: "16", height: "16", "aria-hidden": "true" });
      icon.append(marker(status, 0, 0));
      legend.append(el("span", { className: "chart-key" }, [icon, el("span", { text: word("status_" + status) })]));
    }
  }

  function daysOff(point) {
    return point.taken ? Math.round((parseDay(point.taken) - parseDay(point.planned)) / 86400000) : 0;
  }

  function marker(status, x, y) {
    const cls = "mark st-" + status;
    if (status === "on_time") return svg("circle", { cx: x, cy: y, r: 6, class: cls });
    if (status === "cross" || status === "missed") {
      return svg("path", { d: `M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}`, class: cls + " cross" });
    }
    const tip = status === "late" ? -6 : 6;
    return svg("path", { d: `M${x},${y + tip}L${x - 6},${y - tip}L${x + 6},${y - tip}Z`, class: cls });
  }

  /* The /history chart (bot/chart.py) drawn as SVG: one mark per settled dose at its planned
     date, its height the days it was taken early (below) or late (above) the dashed line; a
     missed dose is a cross on the line over a shaded band. */
  function drawChart(points) {
    const width = 360;
    const height = 230;
    const left = 34;
    const right = 12;
    const top = 14;
    const bottom = 34;
    const times = points.map((point) => parseDay(point.planned).getTime());
    const margin = Math.max(7 * 86400000, (Math.max(...times) - Math.min(...times)) * 0.05);
    const start = Math.min(...times) - margin;
    const end = Math.max(...times) + margin;
    const reach = Math.max(3, ...points.map((point) => Math.abs(daysOff(point)))) + 1.5;
    const x = (time) => left + ((time - start) / (end - start)) * (width - left - right);
    const y = (offset) => top + ((reach - offset) / (2 * reach)) * (height - top - bottom);

    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": word("chart_title"), class: "chart-svg" });
    const step = Math.max(1, Math.ceil(reach / 4));
    for (let tick = -Math.floor(reach / step) * step; tick <= reach; tick += step) {
      chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), class: "grid" }));
      chart.append(svg("text", { x: left - 6, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, tick > 0 ? "+" + tick : String(tick)));
    }
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(0), y2: y(0), class: "zero" }));
    chart.append(svg("text", { x: 4, y: 10, class: "axis" }, word("chart_days")));

    // Date ticks on the first of a month, at most five of them, as matplotlib's date locator does.
    const tickFormat = new Intl.DateTimeFormat(lang, { month: "short", year: "2-digit", timeZone: "UTC" });
    const firstTick = new Date(start);
    const months = [];
    for (let month = new Date(Date.UTC(firstTick.getUTCFullYear(), firstTick.getUTCMonth() + 1, 1)); month.getTime() <= end; month.setUTCMonth(month.getUTCMonth() + 1)) {
      months.push(month.getTime());
    }
    const every = Math.max(1, Math.ceil(months.length / 5));
    months.forEach((time, index) => {
      if (index % every !== 0) return;
      chart.append(svg("line", { x1: x(time), x2: x(time), y1: height - bottom, y2: height - bottom + 4, class: "tick" }));
      chart.append(svg("text", { x: x(time), y: height - bottom + 18, class: "axis", "text-anchor": "middle" }, tickFormat.format(new Date(time))));
    });

    for (const point of points) {
      const px = x(parseDay(point.planned).getTime());
      const offset = daysOff(point);
      const group = svg("g", { class: "point", "data-number": String(point.number), "data-status": point.status });
      if (point.status === "missed") {
        group.append(svg("line", { x1: px, x2: px, y1: top, y2: height - bottom, class: "missed-band" }));
      } else {
        group.append(svg("line", { x1: px, x2: px, y1: y(0), y2: y(offset), class: "stem st-" + point.status }));
      }
      group.append(marker(point.status, px, y(offset)));
      if (points.length <= NUMBERED_UP_TO) {
        group.append(svg("text", { x: px, y: offset >= 0 ? y(offset) - 10 : y(offset) + 19, class: "number", "text-anchor": "middle" }, String(point.number)));
      }
      group.append(svg("title", {}, describe({ kind: "dose", dose: point })));
      chart.append(group);
    }
    return chart;
  }

  function renderDiary() {
    const list = $("diary-list");
    list.textContent = "";
    const notes = (state.diary || []).slice().sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
    if (!notes.length) list.append(el("li", { className: "hint", text: word("diary_empty") }));
    for (const note of notes) {
      list.append(el("li", {}, [el("span", { className: "note-day", text: shortDay(note.day) }), el("span", { className: "note-text", text: note.text })]));
    }
  }

  function renderSettings() {
    const settings = state.settings || {};
    const time = $("reminder-time");
    if (document.activeElement !== time) time.value = settings.reminder_time || "";
    const zone = $("time-zone");
    if (document.activeElement !== zone) zone.value = settings.time_zone || "";
    $("discreet").checked = Boolean(settings.discreet);
    for (const radio of document.querySelectorAll("input[name=language]")) radio.checked = radio.value === (settings.language || lang);
  }

  /* A time zone that fits several places, or a part of the day as reminder time: the
     candidates the answer gives, each a button that sends it for the same setting. */
  function showChoices(field, choices) {
    const box = $("choice-buttons");
    box.textContent = "";
    for (const choice of choices || []) {
      box.append(el("button", {
        type: "button",
        className: "secondary",
        text: choice,
        onclick: () => saveSetting({ [field]: choice }),
      }));
    }
    show($("choices"), Boolean(choices && choices.length));
  }

  async function saveSetting(change) {
    const answer = await act("api/settings", change, $("settings-message"));
    if (answer) showChoices(Object.keys(change)[0], answer.ok ? [] : answer.choices);
  }

  /* ---------- wiring ---------- */

  function wire() {
    for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => openView(tab.dataset.view));
    $("month-previous").addEventListener("click", () => shiftMonth(-1));
    $("month-next").addEventListener("click", () => shiftMonth(1));
    watchSwipes($("month-grid"));

    $("confirm").addEventListener("click", async () => {
      const next = state && state.next;
      if (!next) return;
      $("confirm").textContent = word("working");
      const answer = await act("api/confirm", { number: next.number, planned: next.planned }, $("dose-message"));
      if (answer && answer.ok) {
        justConfirmed = true;
        renderNext();
      }
    });
    $("undo").addEventListener("click", async () => {
      if (!state || !state.undo) return;
      const answer = await act("api/undo", { number: state.undo.number }, $("dose-message"));
      if (answer && answer.ok) {
        justConfirmed = false;
        renderNext();
      }
    });

    $("diary-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = $("diary-text").value.trim();
      if (!text) return;
      const answer = await act("api/diary", { text }, $("diary-message"));
      if (!answer) return;
      say($("advice-text"), answer.advice);
      show($("advice"), Boolean(answer.advice));
      if (answer.ok) $("diary-text").value = "";
    });

    $("time-form").addEventListener("submit", (event) => {
      event.preventDefault();
      saveSetting({ reminder_time: $("reminder-time").value });
    });
    $("zone-form").addEventListener("submit", (event) => {
      event.preventDefault();
      saveSetting({ time_zone: $("time-zone").value.trim() });
    });
    $("discreet").addEventListener("change", (event) => saveSetting({ discreet: event.target.checked }));
    for (const radio of document.querySelectorAll("input[name=language]")) {
      radio.addEventListener("change", () => saveSetting({ language: radio.value }));
    }
  }

  async function start() {
    const notice = $("notice");
    notice.className = "notice";
    try {
      await loadWords(lang);
      notice.textContent = word("loading");
    } catch (error) {
      notice.textContent = "⚠️";
      return;
    }
    if (!initData) {
      fail(new Unauthorised());
      return;
    }
    try {
      const answer = await call("api/state");
      if (!("enrolled" in answer)) {
        notice.textContent = answer.message || word("error_server"); // over the flood limit
        return;
      }
      await receive(answer);
    } catch (error) {
      fail(error);
    }
  }

  if (telegram) {
    telegram.ready();
    telegram.expand();
    const themeParams = () => (Object.keys(telegram.themeParams || {}).length ? telegram.themeParams : fragmentTheme());
    applyTheme(themeParams());
    telegram.onEvent("themeChanged", () => applyTheme(themeParams()));
  } else {
    applyTheme(fragmentTheme());
  }
  wire();
  start();
})();

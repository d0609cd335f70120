// Agent console: the inbox (views, filters, search, pages), the conversation, the complaint's
// details and its panels. Updates are pushed over socket.io (/staff); the console polls only
// while the socket is down. Text is only ever set as text, never parsed as HTML.
import { api, useSession } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { allPanels, onPanelAdded, panelTitle, rowBadges } from "./panels.js";
import * as alerts from "./alerts.js";

useSession({ signIn: () => "/console/login" });

const PAGE = 50;
const POLL_MS = 3000;
// A burst of pushed updates makes one refresh; the list is asked for at most as often as
// polling would ask (a busy queue pushes an update nearly every second), the open complaint
// only when an update is about it.
const REFRESH_MS = 250;
const LIST_MIN_MS = POLL_MS;
const LANGUAGE_KEY = "console:language";

const state = {
  me: null,
  labels: { en: {} },
  language: "en",
  view: "needs_person",
  filters: { status: "", language: "", category: "", deadline: "", q: "" },
  offset: 0,
  total: 0,
  facets: null,
  current: null, // the open complaint's ticket
  wanted: null, // the complaint last asked for: reloads fetch it, not one the agent has left
  focusWhenShown: false,
  detail: null,
  agents: [],
  seen: new Set(), // pushed event ids already handled
  live: false,
  pollTimer: null,
  refreshTimer: null,
  stale: { list: false, detail: false }, // what pushed updates changed, not yet reloaded
  listAt: 0, // when the list was last asked for
  inboxAsked: 0,
  detailAsked: 0,
};

function $(id) {
  return document.getElementById(id);
}

// --------------------------------------------------------------------------- words

function t(key, vars) {
  const own = state.labels[state.language] || {};
  let text = own[key] !== undefined ? own[key] : state.labels.en[key];
  if (text === undefined) text = key;
  return String(text).replace(/\{(\w+)\}/g, (whole, name) =>
    vars && vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : whole,
  );
}

function known(key) {
  return key in (state.labels[state.language] || {}) || key in state.labels.en;
}

function words(prefix, value) {
  if (value === null || value === undefined || value === "") return "—";
  return known(prefix + value) ? t(prefix + value) : String(value).replace(/_/g, " ");
}

function actorName(actor) {
  if (!actor) return t("nobody");
  if (actor.startsWith("agent:")) return agentName(actor.slice(6));
  return known("actor." + actor) ? t("actor." + actor) : actor;
}

function agentName(username) {
  const found = state.agents.find((agent) => agent.username === username);
  return found ? found.display_name : username;
}

function pickLanguage() {
  const offered = Object.keys(state.labels);
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved && offered.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const lower = String(tag).toLowerCase();
    const code = lower.startsWith("sr")
      ? lower.includes("cyrl") ? "sr_cyrl" : "sr_latn"
      : lower.split("-")[0];
    if (offered.includes(code)) return code;
  }
  return "en";
}

function translatePage() {
  document.documentElement.lang = state.language.replace("_", "-");
  document.querySelectorAll("[data-i18n]").forEach((node) => {
    node.textContent = t(node.dataset.i18n);
  });
  document.querySelectorAll("[data-i18n-label]").forEach((node) => {
    node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
    node.setAttribute("placeholder", t(node.dataset.i18nPlaceholder));
  });
  alerts.setBaseTitle(t("title"));
}

function duration(minutes) {
  const m = Math.max(0, Math.round(Math.abs(minutes)));
  if (m < 60) return t("minutes", { n: m });
  if (m < 60 * 24) return t("hours", { h: Math.floor(m / 60), m: m % 60 });
  return t("days", { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(state.language.replace("_", "-")) : "";
}

// --------------------------------------------------------------------------- feedback

/** A confirmation or problem shown next to the control that caused it. */
function say(where, message, isError) {
  const box = typeof where === "string" ? $(where) : where;
  if (!box) return;
  box.textContent = message || "";
  box.classList.toggle("error", !!isError);
}

function failed(where) {
  return (problem) => say(where, t("error", { message: problem.message }), true);
}

// --------------------------------------------------------------------------- clocks

function clocksOf(item) {
  if (Array.isArray(item.clocks) && item.clocks.length) return item.clocks;
  const stateName = { breached: "overdue", near: "soon" }[item.deadline_state] || "ok";
  return [{ kind: "sla", due_at: item.due_at, statutory: false, state: stateName }];
}

/** Which clock: the law's first answer or resolution, or the team's own deadline. */
function clockName(clock) {
  const key = "clockKind." + clock.kind;
  if (known(key)) return t(key);
  return clock.statutory ? t("statutory") : t("sla");
}

function clockNode(clock) {
  const minutes = (new Date(clock.due_at).getTime() - Date.now()) / 60000;
  const text = minutes < 0
    ? t("overdueBy", { time: duration(minutes) })
    : t("dueIn", { time: duration(minutes) });
  const kind = clock.statutory ? t("statutory") : t("sla");
  const node = el("span", { class: `clock ${clock.state || "ok"}`, title: `${kind}: ${when(clock.due_at)}` },
    text);
  node.setAttribute("aria-label", `${kind}: ${text} (${t("clock." + (clock.state || "ok"))})`);
  return node;
}

// --------------------------------------------------------------------------- the inbox

function inboxQuery() {
  const params = new URLSearchParams({ view: state.view, limit: String(PAGE), offset: String(state.offset) });
  for (const [name, value] of Object.entries(state.filters)) if (value) params.set(name, value);
  return params.toString();
}

function loadInbox() {
  // Answers can arrive out of order (a filter changed twice quickly): only the latest counts.
  const asked = ++state.inboxAsked;
  state.listAt = Date.now();
  return api("GET", "/api/inbox?" + inboxQuery())
    .then((data) => {
      if (asked !== state.inboxAsked) return;
      renderInbox(data);
      // list sections (the team's commitments board) refresh with the list
      document.dispatchEvent(new CustomEvent("console:inbox-loaded", { detail: { me: state.me } }));
    })
    .catch(failed("list-status"));
}

function renderViews(counts) {
  document.querySelectorAll("#views button").forEach((button) => {
    const view = button.dataset.view;
    button.setAttribute("aria-pressed", String(view === state.view));
    button.replaceChildren(el("span", {}, t("view." + view)), " ",
      el("span", { class: "count" }, String(counts ? counts[view] : "")));
  });
}

function renderFacets(facets) {
  if (state.facets && JSON.stringify(state.facets) === JSON.stringify(facets)) return;
  state.facets = facets;
  const fill = (id, values, prefix) => {
    const select = $(id);
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, t("any")));
    values.forEach((value) => select.append(el("option", { value }, words(prefix, value))));
    select.value = values.includes(chosen) ? chosen : "";
  };
  fill("f-status", facets.statuses, "status.");
  fill("f-language", facets.languages, "lang.");
  fill("f-category", facets.categories, "category.");
  fill("f-deadline", facets.deadlines, "deadline.");
}

function rowFor(item) {
  const ticket = el("span", { class: "ticket" }, item.ticket);
  const top = el("span", { class: "row-top" }, ticket);
  if (item.live) top.append(el("span", { class: "badge live" }, t("live")));
  if (item.unread) top.append(el("span", { class: "badge unread" }, t("unread", { n: item.unread })));
  if (item.customer_online === true || item.customer_online === false) {
    top.append(el("span", { class: "badge " + (item.customer_online ? "online" : "offline") },
      t(item.customer_online ? "online" : "offline")));
  }
  rowBadges().forEach((badge) => {
    try {
      const node = badge(item, { t, language: state.language });
      if (node) top.append(node);
    } catch (problem) {
      console.error("row badge failed", problem);
    }
  });
  clocksOf(item).forEach((clock) => top.append(clockNode(clock)));
  const meta = [words("status.", item.status), words("category.", item.category),
    words("lang.", item.language_code)];
  if (item.assigned_agent) meta.push(agentName(item.assigned_agent));
  if (item.waited_minutes !== null && item.waited_minutes !== undefined && item.status !== "resolved" &&
      item.status !== "closed") {
    meta.push(t("waited", { time: duration(item.waited_minutes) }));
  }
  const last = item.last_message || {};
  const preview = el("span", { class: "preview" },
    last.from === "agent" ? t("from.agent") + " " : "", last.text || item.description || "");
  const button = el("button", {
    type: "button", class: "row sev-" + item.severity, "data-ticket": item.ticket,
    onclick: () => open(item.ticket, true),
  }, top, el("span", { class: "meta" }, meta.join(" · ")), preview);
  if (item.ticket === state.current) button.setAttribute("aria-current", "true");
  return el("li", {}, button);
}

function renderInbox(data) {
  state.total = data.total;
  renderViews(data.counts);
  renderFacets(data.facets);
  alerts.showCount(data.attention);
  const list = $("inbox");
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.ticket : null;
  list.replaceChildren(...data.items.map(rowFor));
  if (!data.items.length) list.append(el("li", { class: "empty" }, t("nothing")));
  if (focused) {
    const again = list.querySelector(`button[data-ticket="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  const from = data.total ? data.offset + 1 : 0;
  const to = data.offset + data.items.length;
  say("list-status", t("showing", { from, to, total: data.total }));
  $("prev").disabled = data.offset <= 0;
  $("next").disabled = to >= data.total;
}

function moveInList(event) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const rows = [...$("inbox").querySelectorAll("button.row")];
  const index = rows.indexOf(document.activeElement);
  if (index < 0) return;
  event.preventDefault();
  const next = rows[Math.min(rows.length - 1, Math.max(0, index + (event.key === "ArrowDown" ? 1 : -1)))];
  next.focus();
}

// --------------------------------------------------------------------------- the conversation

function open(ticket, fromClick) {
  const asked = ++state.detailAsked;
  state.wanted = ticket;
  if (fromClick) state.focusWhenShown = true; // a reload may overtake the click's answer
  return api("GET", "/api/complaints/" + encodeURIComponent(ticket))
    .then((data) => {
      if (asked !== state.detailAsked) return;
      const changed = state.current !== ticket;
      renderDetail(data, changed);
      document.querySelectorAll("#inbox button.row").forEach((row) => {
        if (row.dataset.ticket === ticket) row.setAttribute("aria-current", "true");
        else row.removeAttribute("aria-current");
      });
      if (state.focusWhenShown && changed) $("conv-title").focus();
      state.focusWhenShown = false;
    })
    .catch(failed("action-status"));
}

/** Reload the complaint the agent is on (the one last asked for, even if still loading). */
function reloadOpen() {
  return state.wanted ? open(state.wanted) : Promise.resolve();
}

function summaryRow(dl, label, value) {
  dl.append(el("dt", {}, label), el("dd", {}, value === null || value === undefined || value === "" ? "—" : value));
}

function holderText(c) {
  const holder = c.holder || "bot";
  if (holder === "bot") return t("holder.bot");
  if (holder === "queue") return t("holder.queue");
  const username = holder.replace(/^agent:/, "");
  return username === state.me.username ? t("holder.me") : t("holder.agent", { agent: agentName(username) });
}

function renderDetail(data, changed) {
  const c = data.complaint;
  state.current = c.ticket;
  state.detail = data;
  $("empty-detail").hidden = true;
  $("detail").hidden = false;
  $("details-pane").hidden = false;
  $("conv-title").textContent = `${c.ticket} · ${words("status.", c.status)}`;
  $("holder").textContent = holderText(c);

  const actions = c.actions || {};
  $("claim").hidden = !actions.claim;
  $("hand-back").hidden = !actions.hand_back;
  $("close").hidden = !actions.close;
  $("resolve-form").hidden = !actions.resolve;
  $("reassign-form").hidden = !actions.reassign;
  const reply = $("reply-form");
  reply.elements.text.disabled = !actions.reply;
  reply.querySelector("button[type=submit]").disabled = !actions.reply;
  $("reply-hint").textContent = actions.reply ? t("replyHint") : t("replyClaimFirst");
  if (changed) {
    say("action-status", "");
    say("reply-status", "");
    say("note-status", "");
    say("reassign-status", "");
    say("resolve-status", "");
    $("reassign-confirm").hidden = true;
  }

  const dl = $("summary");
  dl.replaceChildren();
  summaryRow(dl, t("summary.category"), words("category.", c.category));
  summaryRow(dl, t("summary.language"), words("lang.", c.language_code));
  summaryRow(dl, t("summary.severity"), c.severity);
  summaryRow(dl, t("summary.escalation"), (c.escalation_reasons || []).map((r) => words("escalation.", r)).join(", "));
  summaryRow(dl, t("summary.wants"),
    [c.desired_resolution ? words("wish.", c.desired_resolution) : "", c.desired_resolution_text].filter(Boolean).join(": "));
  summaryRow(dl, t("summary.order"), c.order_ref);
  summaryRow(dl, t("summary.contact"), c.contact);
  summaryRow(dl, t("summary.assigned"), c.assigned_agent ? agentName(c.assigned_agent) : "");
  summaryRow(dl, t("summary.description"), c.description);
  $("clock-list").replaceChildren(...clocksOf(c).map((clock) =>
    el("li", {}, `${clockName(clock)}: ${when(clock.due_at)} `, clockNode(clock))));

  const transcript = $("transcript");
  const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
  transcript.replaceChildren();
  if (data.transcript_problem) transcript.append(el("p", {}, data.transcript_problem));
  data.transcript.forEach((turn) => {
    const who = turn.role === "agent" ? t("who.agent", { agent: agentName(turn.agent) })
      : turn.role === "bot" ? t("who.bot") : t("who.customer");
    transcript.append(el("div", { class: "turn " + turn.role },
      el("span", { class: "who" }, `${who} · ${when(turn.at)}`), turn.text));
  });
  if (changed || atBottom) transcript.scrollTop = transcript.scrollHeight;

  $("events").replaceChildren(...data.events.map((event) => el("li", {},
    el("time", { datetime: event.created_at }, when(event.created_at)), " ", historyText(event))));
  renderPanels(data, changed);
  if (changed) loadCanned();
  fillAgents();
}

/** A history entry in words: never the internal event name. */
function historyText(event) {
  const data = event.data || {};
  const actor = actorName(event.actor);
  let text;
  switch (event.kind) {
    case "escalated":
      text = t("event.escalated", { reasons: (data.added || data.reasons || []).map((r) => words("escalation.", r)).join(", ") });
      break;
    case "resolution_stated":
      text = t("event.resolution_stated", { wish: data.desired_resolution ? words("wish.", data.desired_resolution) : (data.text || "—") });
      break;
    case "status_changed":
      text = t("event.status_changed", { from: words("status.", data.from), to: words("status.", data.to) });
      break;
    case "returned_to_queue":
      text = t("event.returned_to_queue", { reason: words("reason.", data.reason) });
      break;
    case "reopened":
      text = t("event.reopened", { actor, from: words("status.", data.from) });
      break;
    case "followed_up":
    case "follows_up":
      text = t("event." + event.kind, { ticket: data.ticket || "—" });
      break;
    case "reassigned":
      text = t("event.reassigned", { from: data.from ? agentName(data.from) : t("nobody"), to: agentName(data.to) });
      break;
    default:
      text = known("event." + event.kind) ? t("event." + event.kind, { actor })
        : t("event.other", { kind: String(event.kind).replace(/_/g, " ") });
  }
  const said = data.text || data.note;
  if (said && event.kind !== "resolution_stated") text += ": " + said;
  else if (data.note) text += ": " + data.note;
  return text;
}

// Panels ask for another complaint (history.js, commitments.js) with these events.
for (const name of ["console:open", "history:open"]) {
  document.addEventListener(name, (event) => {
    if (event.detail && event.detail.ticket) open(String(event.detail.ticket), true);
  });
}

/** Draw every panel: emptied when another complaint opens; on a refresh of the same one each
 * panel updates in place (``context.changed`` is false), so a half-filled form survives. */
function renderPanels(data, changed) {
  const box = $("panels");
  allPanels().forEach((panel) => {
    let section = document.getElementById("panel-" + panel.id);
    if (!section) {
      const heading = el("h3", { id: "panel-" + panel.id + "-title" });
      section = el("section", { id: "panel-" + panel.id, class: "panel", "aria-labelledby": heading.id }, heading,
        el("div", { class: "panel-body" }));
      box.append(section);
    }
    section.querySelector("h3").textContent = panelTitle(panel, state.language);
    const body = section.querySelector(".panel-body");
    const fresh = changed || body.dataset.ticket !== data.complaint.ticket;
    if (fresh) body.replaceChildren();
    body.dataset.ticket = data.complaint.ticket;
    try {
      panel.render(body, data, {
        api, el, t, language: state.language, ticket: data.complaint.ticket, me: state.me, changed: fresh,
      });
    } catch (problem) {
      console.error("panel failed", panel.id, problem);
    }
  });
}

// --------------------------------------------------------------------------- actions

function act(path, body, where, doneKey, done) {
  if (!state.current) return Promise.resolve();
  const ticket = state.current;
  return api("POST", "/api/complaints/" + encodeURIComponent(ticket) + "/" + path, body)
    .then((answer) => {
      say(where, typeof doneKey === "function" ? doneKey(answer) : t(doneKey));
      if (done) done(answer);
      return Promise.all([reloadOpen(), loadInbox()]);
    })
    .catch(failed(where));
}

function fill(text) {
  const values = (state.detail && state.detail.complaint.placeholders) || {};
  return text.replace(/\{(ticket|name|deadline)\}/g, (whole, name) => values[name] || whole);
}

function loadCanned() {
  if (!state.detail) return;
  const params = new URLSearchParams({ language: state.detail.complaint.language_code || "en" });
  const q = $("canned-search").value.trim();
  if (q) params.set("q", q);
  api("GET", "/api/canned?" + params.toString()).then((rows) => {
    const list = $("canned-list");
    list.replaceChildren(...rows.map((row) => el("li", {}, el("button", {
      type: "button", class: "canned",
      onclick: () => {
        const box = $("reply-form").elements.text;
        box.value = fill(row.text);
        box.focus();
      },
    }, el("strong", {}, row.title), " ", el("span", {}, fill(row.text))))));
    if (!rows.length) list.append(el("li", {}, t("cannedNone")));
    if (state.me.role === "admin") renderCannedAdmin(rows);
  }).catch(failed("reply-status"));
}

function renderCannedAdmin(rows) {
  const admin = $("canned-admin");
  admin.hidden = false;
  const list = $("canned-admin-list");
  list.replaceChildren(...rows.map((row) => el("li", {}, el("span", {}, row.title), " ",
    el("button", { type: "button", onclick: () => editCanned(row) }, t("cannedEdit")), " ",
    el("button", {
      type: "button",
      onclick: () => api("DELETE", "/api/canned/" + row.id)
        .then(() => { say("canned-admin-status", t("cannedDeleted")); loadCanned(); })
        .catch(failed("canned-admin-status")),
    }, t("cannedDelete")))));
}

function editCanned(row) {
  const form = $("canned-form");
  form.elements.id.value = row ? String(row.id) : "";
  form.elements.language.value = row ? row.language : (state.detail.complaint.language_code || "en");
  form.elements.title.value = row ? row.title : "";
  form.elements.text.value = row ? row.text : "";
  form.elements.title.focus();
}

function fillAgents() {
  const select = $("reassign-form").elements.username;
  const chosen = select.value;
  select.replaceChildren(...state.agents.map((agent) => el("option", { value: agent.username },
      t(agent.on_duty ? "agentOnDuty" : agent.duty === "away" ? "agentAway" : "agentOffDuty",
        { agent: agent.display_name }))));
  if (chosen) select.value = chosen;
  warnReassign();
}

function warnReassign() {
  const username = $("reassign-form").elements.username.value;
  const agent = state.agents.find((one) => one.username === username);
  const warning = $("reassign-warning");
  warning.hidden = !agent || agent.on_duty;
  warning.textContent = agent ? t("reassignWarn", { agent: agent.display_name }) : "";
}

function loadAgents() {
  return api("GET", "/api/agents").then((agents) => {
    state.agents = agents;
    if (state.detail) fillAgents();
  }).catch(() => {});
}

function reassign(evenOffDuty) {
  const username = $("reassign-form").elements.username.value;
  $("reassign-confirm").hidden = true;
  if (!state.current || !username) return;
  api("POST", "/api/complaints/" + encodeURIComponent(state.current) + "/reassign",
    { username, even_off_duty: !!evenOffDuty })
    .then((answer) => {
      const name = answer.display_name || username;
      let text = t(answer.duty === "on duty" ? "done.reassign" : "done.reassignAway", { agent: name });
      if (answer.message) text += " " + answer.message;
      say("reassign-status", text);
      return Promise.all([reloadOpen(), loadInbox(), loadAgents()]);
    })
    .catch((problem) => {
      if (problem.status === 409 && problem.data && problem.data.off_duty) {
        say("reassign-status", problem.message, true);
        $("reassign-confirm").hidden = false;
        $("reassign-confirm").focus();
      } else {
        failed("reassign-status")(problem);
      }
    });
}

// --------------------------------------------------------------------------- live updates

/** Reload what ``events`` changed (all of it without ``events``): the open complaint
 * REFRESH_MS later if one is about it, the list REFRESH_MS later but not within LIST_MIN_MS of
 * its last load. */
function refreshSoon(events) {
  state.stale.list = true;
  if (!events || events.some((event) => event.ticket === state.wanted)) state.stale.detail = true;
  window.clearTimeout(state.refreshTimer);
  const listDue = state.listAt + LIST_MIN_MS - Date.now();
  state.refreshTimer = window.setTimeout(refreshStale,
    state.stale.detail ? REFRESH_MS : Math.max(REFRESH_MS, listDue));
}

function refreshStale() {
  if (state.stale.detail) {
    state.stale.detail = false;
    reloadOpen();
  }
  if (!state.stale.list) return;
  if (Date.now() - state.listAt >= LIST_MIN_MS) {
    state.stale.list = false;
    loadInbox();
  } else {
    state.refreshTimer = window.setTimeout(refreshStale, state.listAt + LIST_MIN_MS - Date.now());
  }
}

function attention(title, body, ticket) {
  alerts.beep();
  alerts.notify(title, body, ticket, () => open(ticket, true));
  say("live-status", title);
}

function onUpdate(payload) {
  const events = (payload && payload.events) || [];
  const fresh = [];
  events.forEach((event) => {
    if (state.seen.has(event.id)) return;
    state.seen.add(event.id);
    fresh.push(event);
    const me = state.me.username;
    const byMe = event.actor === "agent:" + me;
    if (event.kind === "handoff_requested" && $("duty").checked) {
      attention(t("notify.takeover", { ticket: event.ticket }),
        t("notify.takeoverBody", { language: words("lang.", event.language) }), event.ticket);
      if (!state.wanted) open(event.ticket);
    } else if (event.kind === "message_customer" && event.assigned_agent === me) {
      attention(t("notify.message", { ticket: event.ticket }), "", event.ticket);
    } else if (event.kind === "reassigned" && event.to === me && !byMe) {
      attention(t("notify.assigned", { ticket: event.ticket }), "", event.ticket);
    }
  });
  if (fresh.length) refreshSoon(fresh);
}

function startPolling() {
  if (state.pollTimer) return;
  state.pollTimer = window.setInterval(() => {
    loadInbox();
    reloadOpen();
  }, POLL_MS);
}

function stopPolling() {
  window.clearInterval(state.pollTimer);
  state.pollTimer = null;
}

function connectSocket() {
  const script = document.createElement("script");
  script.src = "/widget/socket.io.js";
  script.onerror = () => { say("live-status", t("live.polling")); startPolling(); };
  script.onload = () => {
    if (typeof window.io !== "function") { startPolling(); return; }
    const socket = window.io("/staff", { path: "/socket.io", transports: ["websocket", "polling"] });
    socket.on("connect", () => {
      state.live = true;
      document.body.dataset.live = "on";
      stopPolling();
      say("live-status", t("live.connected"));
      refreshSoon(); // whatever happened while the socket was down
    });
    const down = () => {
      state.live = false;
      document.body.dataset.live = "off";
      say("live-status", t("live.polling"));
      startPolling();
    };
    socket.on("disconnect", down);
    socket.on("connect_error", down);
    socket.on("staff_update", onUpdate);
  };
  document.head.append(script);
}

// --------------------------------------------------------------------------- wiring

function wire() {
  $("views").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-view]");
    if (!button) return;
    state.view = button.dataset.view;
    state.offset = 0;
    loadInbox();
  });
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    state.filters.q = $("search").elements.q.value.trim();
    state.offset = 0;
    loadInbox();
  });
  $("filters").addEventListener("change", () => {
    const form = $("filters");
    ["status", "language", "category", "deadline"].forEach((name) => {
      state.filters[name] = form.elements[name].value;
    });
    state.offset = 0;
    loadInbox();
  });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadInbox(); });
  $("next").addEventListener("click", () => { state.offset += PAGE; loadInbox(); });
  $("inbox").addEventListener("keydown", moveInList);

  $("claim").addEventListener("click", () => act("claim", {}, "action-status", "done.claim"));
  $("hand-back").addEventListener("click", () => act("hand-back", {}, "action-status", "done.handBack"));
  $("close").addEventListener("click", () => {
    if (window.confirm(t("confirmClose"))) act("close", {}, "action-status", "done.close");
  });

  const reply = $("reply-form");
  reply.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = reply.elements.text.value;
    if (!text.trim()) return;
    act("reply", { text }, "reply-status", "done.reply", () => reply.reset());
  });
  let typingSentAt = 0;
  reply.elements.text.addEventListener("input", () => {
    // the customer's widget shows typing dots while the agent writes (one signal per 3 s)
    if (!state.current || !reply.elements.text.value.trim() || Date.now() - typingSentAt < 3000) return;
    typingSentAt = Date.now();
    api("POST", "/api/complaints/" + encodeURIComponent(state.current) + "/typing", {}).catch(() => {});
  });
  reply.elements.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      reply.requestSubmit();
    }
  });
  let cannedTimer = null;
  $("canned-search").addEventListener("input", () => {
    window.clearTimeout(cannedTimer);
    cannedTimer = window.setTimeout(loadCanned, 200);
  });

  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    act("note", { text: form.elements.text.value }, "note-status", "done.note", () => form.reset());
  });
  $("resolve-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { note: form.elements.note.value };
    if (form.elements.outcome.value) body.outcome = form.elements.outcome.value; // for the register
    act("resolve", body, "resolve-status", "done.resolve", () => form.reset());
  });
  $("reassign-form").addEventListener("submit", (event) => { event.preventDefault(); reassign(false); });
  $("reassign-form").elements.username.addEventListener("change", warnReassign);
  $("reassign-confirm").addEventListener("click", () => reassign(true));

  $("canned-new").addEventListener("click", () => editCanned(null));
  $("canned-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const id = form.elements.id.value;
    const body = { language: form.elements.language.value, title: form.elements.title.value, text: form.elements.text.value };
    api(id ? "PUT" : "POST", "/api/canned" + (id ? "/" + id : ""), body)
      .then(() => { say("canned-admin-status", t("cannedSaved")); form.reset(); loadCanned(); })
      .catch(failed("canned-admin-status"));
  });

  $("duty").addEventListener("change", (event) => {
    const box = event.target;
    box.disabled = true; // one change at a time: answers must not cross
    api("POST", "/api/me/duty", { on_duty: box.checked })
      .then((r) => { say("status", r.on_duty ? t("youOnDuty") : t("youOffDuty")); loadAgents(); })
      .catch((problem) => { box.checked = !box.checked; failed("status")(problem); })
      .finally(() => { box.disabled = false; });
  });
  $("sound").checked = alerts.soundOn();
  $("sound").addEventListener("change", (event) => {
    alerts.setSound(event.target.checked);
    if (event.target.checked) alerts.beep();
  });
  $("notify").addEventListener("click", () => {
    alerts.askForNotifications().then((answer) => {
      say("status", answer === "granted" ? t("notifyOn") : t("notifyDenied"), answer !== "granted");
      $("notify").hidden = answer === "granted";
    });
  });
  $("notify").hidden = alerts.notificationsAllowed();
  $("ui-language").addEventListener("change", (event) => {
    state.language = event.target.value;
    localStorage.setItem(LANGUAGE_KEY, state.language);
    translatePage();
    state.facets = null;
    loadInbox();
    reloadOpen();
  });
}

async function loadPanels() {
  let names;
  try {
    names = await api("GET", "/console/panels");
  } catch {
    return;
  }
  await Promise.allSettled(names.map((name) => import("./" + name)));
}

async function start() {
  try {
    state.labels = await api("GET", "/console/i18n.json");
  } catch {
    state.labels = { en: {} };
  }
  state.language = pickLanguage();
  const chooser = $("ui-language");
  chooser.replaceChildren(...Object.keys(state.labels).map((code) =>
    el("option", { value: code }, (state.labels[code] || {})["lang." + code] || code)));
  chooser.value = state.language;
  translatePage();
  wire();
  onPanelAdded(() => { if (state.detail) renderPanels(state.detail, false); });
  try {
    const me = await api("GET", "/api/me");
    state.me = me;
    useSession({ csrfToken: me.csrf_token });
    $("logout-csrf").value = me.csrf_token || "";
    $("me").textContent = `${me.display_name} (${me.role})`;
    $("duty").checked = !!me.on_duty;
  } catch (problem) {
    failed("status")(problem);
    return;
  }
  await loadAgents();
  renderViews(null);
  await loadPanels(); // before the list, so that list sections hear its first load
  await loadInbox();
  connectSocket();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);

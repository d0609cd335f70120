// Commitments in the agent console: the team's board (overdue, due today, reminders; the
// missed ones for supervisors), a complaint's commitments with "done" and "done, tell the
// customer", the form to record one, and a complaint's clocks. Text only ever becomes text
// nodes (el), never HTML.
import { api } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { registerPanel } from "./panels.js";

export const KINDS = ["answer", "refund", "replacement", "repair", "call_back", "visit", "other"];

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function kindLabel(kind) {
  return kind.replace("_", "-");
}

function line(item, onOpen) {
  var owner = item.owner || "team";
  var link = el("a", { href: "#" }, item.ticket);
  link.addEventListener("click", function (e) { e.preventDefault(); if (onOpen) { onOpen(item.ticket); } });
  return el("li", { class: "commitment " + item.status + (item.overdue ? " overdue" : "") },
    link, " · " + kindLabel(item.kind) + " · due " + when(item.due_at) + " · " + owner +
    (item.note ? " — " + item.note : ""));
}

function group(title, items, onOpen, emptyText) {
  var list = el("ul", {});
  items.forEach(function (item) { list.appendChild(line(item, onOpen)); });
  if (!items.length) { list.appendChild(el("li", { class: "muted" }, emptyText)); }
  return el("div", { class: "commitment-group" }, el("h3", {}, title + " (" + items.length + ")"), list);
}

/** The team's board: ``board`` from GET /api/commitments, ``missed`` (admins) or null. */
export function renderBoard(target, board, missed, onOpen) {
  var parts = [];
  if (board.reminders.length) {
    parts.push(el("p", { class: "reminder", role: "alert" },
      "Reminder: " + board.reminders.length + " commitment(s) due soon."));
  }
  parts.push(group("Overdue", board.overdue, onOpen, "Nothing overdue."));
  parts.push(group("Due today", board.due_today, onOpen, "Nothing else due today."));
  parts.push(group("Reminders", board.reminders, onOpen, "No reminders."));
  if (missed) { parts.push(group("Missed (supervisor)", missed, onOpen, "Nothing missed.")); }
  target.replaceChildren.apply(target, parts);
}

/** Fetch and draw the board; ``admin`` adds the missed commitments. */
export function loadBoard(target, admin, onOpen, onError) {
  var board = api("GET", "/api/commitments");
  var missed = admin ? api("GET", "/api/commitments/missed") : Promise.resolve(null);
  return Promise.all([board, missed]).then(function (found) {
    renderBoard(target, found[0], found[1] ? found[1].missed : null, onOpen);
  }).catch(function (e) { if (onError) { onError(e.message); } });
}

function doneButtons(item, say, changed) {
  if (item.status === "done") {
    return el("span", { class: "muted" }, " kept " + when(item.done_at) +
      (item.customer_told_at ? ", customer told" : ""));
  }
  function finish(tell) {
    api("POST", "/api/commitments/" + item.id + "/done", { tell_customer: tell })
      .then(function (r) { say(r.problem || (r.told ? "Done; the customer was told." : "Done."), !!r.problem); changed(); })
      .catch(function (e) { say(e.message, true); });
  }
  return el("span", {},
    el("button", { type: "button", onclick: function () { finish(false); } }, "Done"),
    el("button", { type: "button", onclick: function () { finish(true); } }, "Done, tell the customer"));
}

/** A complaint's commitments, each with its buttons, and the form to record a new one. */
export function renderCommitments(target, ticket, items, say, changed) {
  var list = el("ul", {});
  items.forEach(function (item) {
    list.appendChild(el("li", { class: "commitment " + item.status + (item.overdue ? " overdue" : "") },
      kindLabel(item.kind) + " · due " + when(item.due_at) + " · " + (item.owner || "team") +
      " · " + item.status + (item.note ? " — " + item.note : "") + " ", doneButtons(item, say, changed)));
  });
  if (!items.length) { list.appendChild(el("li", { class: "muted" }, "No commitments.")); }
  var kind = el("select", { name: "kind", "aria-label": "Kind" });
  KINDS.forEach(function (k) { kind.appendChild(el("option", { value: k }, kindLabel(k))); });
  var due = el("input", { type: "datetime-local", name: "due_at", required: true, "aria-label": "Due" });
  var owner = el("input", { name: "owner", placeholder: "owner (you; or 'team')", maxlength: 64, "aria-label": "Owner" });
  var note = el("input", { name: "note", placeholder: "what exactly", maxlength: 1000, "aria-label": "Note" });
  var form = el("form", { class: "commitment-form" }, kind, due, owner, note,
    el("button", { type: "submit" }, "Record commitment"));
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var moment = new Date(due.value);
    if (isNaN(moment.getTime())) { say("Choose when it is due.", true); return; }
    var body = { kind: kind.value, due_at: moment.toISOString() };
    if (owner.value.trim()) { body.owner = owner.value.trim(); }
    if (note.value.trim()) { body.note = note.value.trim(); }
    api("POST", "/api/complaints/" + encodeURIComponent(ticket) + "/commitments", body)
      .then(function () { say("Commitment recorded."); form.reset(); changed(); })
      .catch(function (err) { say(err.message, true); });
  });
  target.replaceChildren(el("h3", {}, "Commitments"), list, form);
}

/** Fetch and draw a complaint's commitments. */
export function loadCommitments(target, ticket, say) {
  function changed() { loadCommitments(target, ticket, say); }
  return api("GET", "/api/complaints/" + encodeURIComponent(ticket) + "/commitments")
    .then(function (data) { renderCommitments(target, ticket, data.commitments, say, changed); })
    .catch(function (e) { say(e.message, true); });
}

var CLOCK_NAMES = { first_answer: "First answer", resolution: "Resolution", sla: "Our SLA" };

/** A complaint's clocks (``clocks`` of the queue or complaint JSON) as a short list. */
export function renderClocks(target, clocks) {
  var list = el("ul", { class: "clocks" });
  (clocks || []).forEach(function (clock) {
    var name = (CLOCK_NAMES[clock.kind] || clock.kind) + (clock.statutory ? " (law)" : "");
    var state = clock.stopped_at ? (clock.state === "ok" ? "met" : "met late") : clock.state;
    list.appendChild(el("li", { class: "clock " + clock.state }, name + ": " + when(clock.due_at) + " · " + state));
  });
  target.replaceChildren(list);
}

/** Whether the agent is filling in the form: focus in it, something typed, or a choice made
 * (a kind other than the first: choosing it need not leave the focus in the form). */
function isBeingFilled(form) {
  if (form.contains(document.activeElement)) return true;
  if ([...form.querySelectorAll("select")].some((select) => select.selectedIndex > 0)) return true;
  return [...form.querySelectorAll("input")].some((input) => input.value !== "");
}

/** Ask the console to open a complaint (console.js listens for "console:open"). */
function openInConsole(ticket) {
  document.dispatchEvent(new CustomEvent("console:open", { detail: { ticket } }));
}

registerPanel({
  id: "commitments",
  order: 20,
  title: { en: "Commitments", hr: "Obveze" },
  render(container, detail, context) {
    const form = container.querySelector("form.commitment-form");
    if (form && !(context && context.changed) && isBeingFilled(form)) return; // keep the agent's input
    const kept = context && !context.changed && container.querySelector(":scope > p[role=status]");
    const status = kept || el("p", { class: "muted", role: "status" });
    const body = el("div", {});
    container.replaceChildren(body, status);
    const say = (message, problem) => {
      status.textContent = message;
      status.className = problem ? "error" : "muted";
    };
    loadCommitments(body, detail.complaint.ticket, say);
  },
});

// The team's board sits under the inbox, not in a complaint's pane: drawn when the list first
// loads, again when the list does (at most every BOARD_MIN_MS: a burst of updates draws it
// once), and every BOARD_EVERY_MS, because reminders fall due with time.
const BOARD_MIN_MS = 3000;
const BOARD_EVERY_MS = 60000;
let boardDrawn = 0;
let boardTimer = null;

function drawBoard(me) {
  const target = document.getElementById("board-body");
  if (!target) return;
  boardDrawn = Date.now();
  const admin = Boolean(me && me.role === "admin");
  loadBoard(target, admin, openInConsole, (message) => {
    target.replaceChildren(el("p", { class: "error" }, message));
  });
  window.clearTimeout(boardTimer);
  boardTimer = window.setTimeout(() => drawBoard(me), BOARD_EVERY_MS);
}

document.addEventListener("console:inbox-loaded", (event) => {
  const me = event.detail && event.detail.me;
  window.clearTimeout(boardTimer);
  boardTimer = window.setTimeout(() => drawBoard(me),
    Math.max(0, boardDrawn + BOARD_MIN_MS - Date.now()));
});

// Agent console: queue polling, conversation view and actions. Text is only ever set with
// textContent or text nodes, never parsed as HTML.
import { api, useSession } from "../shared/api.js";
import { el } from "../shared/dom.js";

useSession({ signIn: () => "/console/login" });

var current = null; // the open complaint's ticket
var currentLanguage = "en";
var canned = {};

function $(id) { return document.getElementById(id); }
function say(message, isError) {
  var box = $("status");
  box.textContent = message || "";
  box.className = isError ? "error" : "";
}

function deadlineText(minutes) {
  var sign = minutes < 0 ? "overdue " : "in ";
  var m = Math.abs(minutes);
  return sign + Math.floor(m / 60) + " h " + (m % 60) + " min";
}

function renderQueue(items) {
  var body = $("queue").tBodies[0];
  body.replaceChildren();
  items.forEach(function (item) {
    var row = el("tr", { class: item.deadline_state });
    row.tabIndex = 0;
    [item.ticket, item.status, item.severity, item.category, item.language,
      item.assigned_agent || "—"].forEach(function (v) { row.appendChild(el("td", {}, v)); });
    var due = el("td", { class: "deadline" }, deadlineText(item.minutes_to_deadline));
    due.title = item.deadline_state === "breached" ? "Deadline passed" :
      item.deadline_state === "near" ? "Deadline within 2 hours" : "On time";
    row.appendChild(due);
    row.addEventListener("click", function () { open(item.ticket); });
    row.addEventListener("keydown", function (e) { if (e.key === "Enter") { open(item.ticket); } });
    body.appendChild(row);
  });
  if (!items.length) {
    var empty = el("tr");
    var cell = el("td", {}, "Nothing waiting.");
    cell.colSpan = 7;
    empty.appendChild(cell);
    body.appendChild(empty);
  }
}

function pollQueue() {
  api("GET", "/api/queue").then(renderQueue).catch(function (e) { say(e.message, true); });
  // The open conversation is live too: new customer messages appear without a click.
  if (current) { open(current); }
}

function summaryRow(dl, label, value) {
  dl.appendChild(el("dt", {}, label));
  dl.appendChild(el("dd", {}, value === null || value === undefined || value === "" ? "—" : value));
}

function renderDetail(data) {
  var c = data.complaint;
  current = c.ticket;
  currentLanguage = c.language;
  $("conversation").hidden = false;
  $("conv-title").textContent = c.ticket + " · " + c.status;
  var dl = $("summary");
  dl.replaceChildren();
  summaryRow(dl, "Category", c.category);
  summaryRow(dl, "Language", c.language + " (" + c.script + ")");
  summaryRow(dl, "Severity", c.severity);
  summaryRow(dl, "Escalation", (c.escalation_reasons || []).join(", "));
  summaryRow(dl, "Wants", [c.desired_resolution, c.desired_resolution_text].filter(Boolean).join(": "));
  summaryRow(dl, "Order", c.order_ref);
  summaryRow(dl, "Contact", c.contact);
  summaryRow(dl, "Assigned", c.assigned_agent);
  summaryRow(dl, "Deadline", deadlineText(c.minutes_to_deadline));
  summaryRow(dl, "Description", c.description);
  var transcript = $("transcript");
  transcript.replaceChildren();
  if (data.transcript_problem) { transcript.appendChild(el("p", {}, data.transcript_problem)); }
  data.transcript.forEach(function (turn) {
    var box = el("div", { class: "turn " + turn.role });
    var who = turn.role === "agent" ? "Agent " + turn.agent : turn.role === "bot" ? "Bot" : "Customer";
    box.appendChild(el("span", { class: "who" }, who + " · " + new Date(turn.at).toLocaleString()));
    box.appendChild(document.createTextNode(turn.text));
    transcript.appendChild(box);
  });
  transcript.scrollTop = transcript.scrollHeight;
  var events = $("events");
  events.replaceChildren();
  data.events.forEach(function (ev) {
    var text = new Date(ev.created_at).toLocaleString() + " · " + ev.kind + " · " + ev.actor;
    if (ev.data && (ev.data.text || ev.data.note)) { text += " — " + (ev.data.text || ev.data.note); }
    events.appendChild(el("li", {}, text));
  });
  fillCanned();
}

function open(ticket) {
  api("GET", "/api/complaints/" + encodeURIComponent(ticket))
    .then(renderDetail).catch(function (e) { say(e.message, true); });
}

function act(path, body, done) {
  if (!current) { return; }
  api("POST", "/api/complaints/" + encodeURIComponent(current) + "/" + path, body)
    .then(function () { say("Done: " + path); if (done) { done(); } open(current); pollQueue(); })
    .catch(function (e) { say(e.message, true); });
}

function fillCanned() {
  var select = $("canned");
  select.replaceChildren(el("option", {}, "Canned replies…"));
  select.options[0].value = "";
  (canned[currentLanguage] || canned.en || []).forEach(function (text) {
    var option = el("option", {}, text);
    option.value = text;
    select.appendChild(option);
  });
}

function formValue(form, name) { return form.elements[name].value; }

function wire() {
  $("claim").addEventListener("click", function () { act("claim"); });
  $("hand-back").addEventListener("click", function () { act("hand-back"); });
  $("close").addEventListener("click", function () {
    if (window.confirm("Close this complaint?")) { act("close"); }
  });
  $("canned").addEventListener("change", function (e) {
    if (e.target.value) { $("reply-form").elements.text.value = e.target.value; }
  });
  [["reply-form", "reply", "text"], ["note-form", "note", "text"],
    ["reassign-form", "reassign", "username"], ["resolve-form", "resolve", "note"]]
    .forEach(function (spec) {
      var form = $(spec[0]);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var body = {};
        body[spec[2]] = formValue(form, spec[2]);
        act(spec[1], body, function () { form.reset(); });
      });
    });
  $("duty").addEventListener("change", function (e) {
    api("POST", "/api/me/duty", { on_duty: e.target.checked })
      .then(function (r) { say(r.on_duty ? "You are on duty." : "You are off duty."); })
      .catch(function (err) { e.target.checked = !e.target.checked; say(err.message, true); });
  });
  $("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target;
    var params = new URLSearchParams();
    if (form.elements.q.value) { params.set("q", form.elements.q.value); }
    if (form.elements.status.value) { params.set("status", form.elements.status.value); }
    api("GET", "/api/complaints?" + params.toString()).then(function (rows) {
      var list = $("results");
      list.replaceChildren();
      rows.forEach(function (c) {
        var item = el("li");
        var link = el("a", {}, c.ticket + " · " + c.status + " · " + c.category + " · " +
          c.created_at.slice(0, 10));
        link.href = "#";
        link.addEventListener("click", function (ev) { ev.preventDefault(); open(c.ticket); });
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!rows.length) { list.appendChild(el("li", {}, "No complaints found.")); }
    }).catch(function (err) { say(err.message, true); });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  wire();
  api("GET", "/api/me").then(function (me) {
    useSession({ csrfToken: me.csrf_token });
    $("logout-csrf").value = me.csrf_token || "";
    $("me").textContent = me.display_name + " (" + me.role + ")";
    $("duty").checked = !!me.on_duty;
    pollQueue();
    window.setInterval(pollQueue, 3000);
  }).catch(function (e) { say(e.message, true); });
  api("GET", "/console/static/canned.json").then(function (data) { canned = data; fillCanned(); })
    .catch(function () { canned = {}; });
});

// A customer's other complaints, from every conversation (same e-mail, phone or order), shown
// next to the open complaint. Text only ever becomes text nodes (shared/dom.js).
import { api } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { registerPanel } from "./panels.js";

// The console re-renders the open complaint every few seconds; the history changes rarely.
const REFRESH_MS = 30000;
const KEY_LABELS = { email: "e-mail", phone: "phone", order: "order" };
const cache = new Map(); // ticket -> { at, data }

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function entry(item, container) {
  const where = item.same_conversation ? "this conversation" : "another conversation";
  const reasons = item.escalation_reasons.length ? " · " + item.escalation_reasons.join(", ") : "";
  const open = el("button", {
    type: "button",
    class: "history-open",
    onclick: () => container.dispatchEvent(new CustomEvent("history:open", {
      bubbles: true, detail: { ticket: item.ticket },
    })),
  }, item.ticket);
  return el("li", { class: "history-item " + item.status },
    open, " ",
    el("span", { class: "history-meta" },
      `${item.status} · ${item.category} · ${when(item.created_at)} · ${where}${reasons}`),
    el("div", { class: "history-summary" }, item.summary));
}

function draw(container, data) {
  const title = el("h3", {}, "Customer's other complaints");
  const parts = [title];
  if (!data.recognised) {
    parts.push(el("p", { class: "history-none" },
      "Not recognised yet: no e-mail, phone or order number on this complaint."));
  } else {
    parts.push(el("p", { class: "history-keys" }, "Recognised by ",
      data.keys.map((key) => `${KEY_LABELS[key.kind] || key.kind} ${key.value}`).join(", ")));
  }
  if (data.complaints.length) {
    parts.push(el("ul", { class: "history-list" },
      data.complaints.map((item) => entry(item, container))));
  } else if (data.recognised) {
    parts.push(el("p", { class: "history-none" }, "No other complaints."));
  }
  container.replaceChildren(...parts);
}

/**
 * Render the history of ``complaint`` (an object with ``ticket``) into ``container``.
 * Clicking a ticket dispatches a bubbling ``history:open`` event with ``detail.ticket``.
 * Resolves when drawn; a failure is shown in the container, never thrown.
 */
export async function renderHistory(container, complaint) {
  if (!container || !complaint || !complaint.ticket) return;
  const cached = cache.get(complaint.ticket);
  if (cached && Date.now() - cached.at < REFRESH_MS) {
    draw(container, cached.data);
    return;
  }
  try {
    const data = await api("GET", "/api/complaints/" + encodeURIComponent(complaint.ticket) + "/history");
    cache.set(complaint.ticket, { at: Date.now(), data });
    draw(container, data);
  } catch (error) {
    container.replaceChildren(el("h3", {}, "Customer's other complaints"),
      el("p", { class: "error" }, error.message));
  }
}

registerPanel({
  id: "history",
  order: 10,
  title: { en: "Customer's other complaints", hr: "Ostale reklamacije kupca" },
  render(container, detail) { renderHistory(container, detail.complaint); },
});

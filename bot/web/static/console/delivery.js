/*
 * How the customer is reached, in the agent console: whether they are connected, and how each
 * reply was delivered (widget, e-mail sent, e-mail pending, e-mail failed, call task, kept).
 *
 * The data comes with GET /api/complaints/<ticket>: ``customer_online``,
 * ``complaint.contact_kind`` (email | phone | none) and, on each agent turn of the transcript,
 * ``delivery`` ({via, state, recipient, attempts, error, phone, shown_later}); a customer turn
 * that came by e-mail has ``via: "email"``.
 *
 * console.js calls showDelivery(data, summaryList, transcriptBox) after drawing a complaint.
 * Text only ever becomes text nodes (shared/dom.js).
 */
import { el } from "../shared/dom.js";
import { registerPanel } from "./panels.js";

const STATES = {
  widget: ["ok", "Delivered in the chat"],
  email: ["ok", "Sent by e-mail"],
  pending: ["wait", "E-mail pending"],
  failed: ["bad", "E-mail failed"],
  call_task: ["wait", "Call task: phone the customer"],
  kept: ["wait", "Not delivered yet: no contact; shown when the customer returns"],
};

/** What an agent's reply became, as a short label with details. */
export function deliveryLabel(delivery) {
  if (!delivery) return null;
  const [tone, text] = STATES[delivery.state] || ["wait", delivery.state];
  const parts = [text];
  if (delivery.recipient) parts.push("to " + delivery.recipient);
  if (delivery.state === "pending" && delivery.attempts) {
    parts.push(delivery.attempts + " attempt(s) so far");
  }
  if (delivery.state === "failed" && delivery.error) parts.push(delivery.error);
  if (delivery.state === "call_task" && delivery.phone) parts.push(delivery.phone);
  if (delivery.shown_later) parts.push("seen in the chat later");
  return { tone, text: parts.join(" · ") };
}

/** "Customer connected" or how a reply will reach them now. */
export function presenceLabel(data) {
  if (data.customer_online) return { tone: "ok", text: "Connected: replies go to the chat" };
  const kind = (data.complaint && data.complaint.contact_kind) || "none";
  const how = {
    email: "replies go by e-mail to " + data.complaint.contact,
    phone: "no SMS: a reply becomes a call task (" + data.complaint.contact + ")",
    none: "no contact: replies wait in the chat until they return",
  }[kind];
  return { tone: kind === "email" ? "wait" : "bad", text: "Not connected: " + how };
}

function badge(label) {
  return el("span", { class: "delivery delivery-" + label.tone, "data-delivery": label.tone },
    label.text);
}

/** Add the customer's presence to the summary and a delivery badge to each reply. */
export function showDelivery(data, summary, transcript) {
  if (summary) {
    const presence = presenceLabel(data);
    summary.appendChild(el("dt", {}, "Customer"));
    summary.appendChild(el("dd", { id: "customer-presence" }, badge(presence)));
  }
  if (!transcript) return;
  const boxes = transcript.querySelectorAll(".turn");
  (data.transcript || []).forEach(function (turn, index) {
    const box = boxes[index];
    if (!box) return;
    if (turn.role === "agent") {
      const label = deliveryLabel(turn.delivery);
      if (label) box.appendChild(badge(label));
    } else if (turn.role === "customer" && turn.via === "email") {
      box.appendChild(badge({ tone: "ok", text: "Came by e-mail" }));
    }
  });
}

registerPanel({
  id: "delivery",
  order: 5,
  title: { en: "Customer and delivery", hr: "Kupac i dostava odgovora" },
  render(container, detail) {
    const summary = el("dl", {});
    container.replaceChildren(summary);
    showDelivery(detail, summary, document.getElementById("transcript"));
  },
});

/* The complaint detail pane's extension points. Other parts of the product add a panel with an
 * ES module of their own in this folder (history.js, delivery.js, commitments.js: the server
 * lists the ones present at /console/panels) that imports this module:
 *
 *   import { registerPanel } from "./panels.js";
 *   registerPanel({
 *     id: "history",                      // unique; the panel's element is #panel-history
 *     order: 10,                          // smaller first
 *     title: { en: "Customer history", hr: "Povijest kupca" },   // by console language
 *     render(container, detail, context) { ... },  // on every (re)load of the open complaint
 *   });
 *
 * ``detail`` is GET /api/complaints/<ticket> (``detail.complaint``, ``events``, ``transcript``);
 * ``context`` gives { api, el, language, t, ticket, me, changed }. ``container`` is emptied when
 * another complaint opens (``changed`` true); the console also re-renders the open complaint on
 * every update, and then a panel updates its container in place (replaceChildren), keeping
 * whatever the agent is typing. Text goes in as text (el / textContent), never as HTML.
 *
 * A module may also add a badge to each inbox row (e.g. "customer online"):
 *   registerRowBadge((item, context) => node or null);
 */

const panels = [];
const badges = [];
const added = [];

export function registerPanel(panel) {
  if (!panel || typeof panel.id !== "string" || typeof panel.render !== "function") {
    throw new TypeError("registerPanel needs { id, render }");
  }
  if (panels.some((known) => known.id === panel.id)) return;
  panels.push(panel);
  panels.sort((a, b) => (a.order || 0) - (b.order || 0));
  added.forEach((notify) => notify(panel));
}

export function registerRowBadge(badge) {
  if (typeof badge === "function") badges.push(badge);
}

export function allPanels() {
  return panels.slice();
}

export function rowBadges() {
  return badges.slice();
}

/** Called by the console when a panel registers after the page was drawn. */
export function onPanelAdded(notify) {
  added.push(notify);
}

/** A panel's title in ``language`` (else English, else its id). */
export function panelTitle(panel, language) {
  const title = panel.title;
  if (typeof title === "string") return title;
  if (title && typeof title === "object") return title[language] || title.en || panel.id;
  return panel.id;
}

/* Analytics: complaint figures with filters, drawn as SVG bar charts; CSV export. */
import { api, el, sayError, ready } from "./studio.js";
import { svgEl } from "../shared/dom.js";

const $ = (id) => document.getElementById(id);

/** Horizontal bars: one row per [label, value]. */
function bars(target, entries, colour) {
  if (!entries.length) {
    target.replaceChildren(el("p", { class: "muted" }, "No complaints."));
    return;
  }
  const rowHeight = 24;
  const width = 460;
  const labelWidth = 150;
  const peak = Math.max(...entries.map(([, value]) => value), 1);
  const chart = svgEl("svg", {
    viewBox: `0 0 ${width} ${entries.length * rowHeight + 4}`,
    role: "img",
    width: "100%",
  });
  entries.forEach(([label, value], index) => {
    const y = index * rowHeight + 2;
    const length = ((width - labelWidth - 50) * value) / peak;
    chart.append(svgEl("text", { x: labelWidth - 6, y: y + 16, "text-anchor": "end" }, label));
    chart.append(svgEl("rect", { x: labelWidth, y: y + 3, width: Math.max(length, 1), height: 16, fill: colour }));
    chart.append(svgEl("text", { x: labelWidth + length + 5, y: y + 16 }, String(value)));
  });
  chart.setAttribute("aria-label", entries.map(([l, v]) => `${l}: ${v}`).join(", "));
  target.replaceChildren(chart);
}

/** Vertical bars per day. */
function days(target, perDay) {
  if (!perDay.length) {
    target.replaceChildren(el("p", { class: "muted" }, "No complaints."));
    return;
  }
  const width = 640;
  const height = 200;
  const bottom = 40;
  const peak = Math.max(...perDay.map((d) => d.complaints), 1);
  const step = width / perDay.length;
  const chart = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", width: "100%" });
  perDay.forEach((day, index) => {
    const barHeight = ((height - bottom - 14) * day.complaints) / peak;
    const x = index * step + step * 0.1;
    const rect = svgEl("rect", {
      x, y: height - bottom - barHeight, width: Math.max(step * 0.8, 1),
      height: Math.max(barHeight, 0), fill: "#0b5cad",
    });
    rect.append(svgEl("title", {}, `${day.day}: ${day.complaints}`));
    chart.append(rect);
    if (day.complaints) {
      chart.append(svgEl("text", { x: x + step * 0.4, y: height - bottom - barHeight - 3,
        "text-anchor": "middle", "font-size": 11 }, String(day.complaints)));
    }
    const every = Math.ceil(perDay.length / 10);
    if (index % every === 0) {
      chart.append(svgEl("text", { x: x + step * 0.4, y: height - bottom + 16,
        "text-anchor": "middle", "font-size": 11 }, day.day.slice(5)));
    }
  });
  chart.setAttribute("aria-label", perDay.map((d) => `${d.day}: ${d.complaints}`).join(", "));
  target.replaceChildren(chart);
}

function hours(spread) {
  if (!spread || spread.median_hours === null) return "–";
  const h = spread.median_hours;
  return h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`;
}

function card(label, value, note) {
  return el("div", { class: "card" }, el("span", { class: "label" }, label),
    el("strong", { class: "value" }, value), el("span", { class: "muted" }, note || ""));
}

/** CSAT per group: a table of ratings, mean (1-5) and share of 4s and 5s. */
function csatTable(target, groups) {
  const names = Object.keys(groups);
  if (!names.length) {
    target.replaceChildren(el("p", { class: "muted" }, "No ratings."));
    return;
  }
  const head = el("tr", {}, el("th", {}, ""), el("th", {}, "Ratings"), el("th", {}, "Mean (1–5)"),
    el("th", {}, "4 or 5"));
  const rows = names.map((name) => {
    const g = groups[name];
    const share = g.satisfied === null ? "–" : `${Math.round(g.satisfied * 100)} %`;
    return el("tr", {}, el("th", {}, name), el("td", {}, String(g.count)),
      el("td", {}, g.mean === null ? "–" : g.mean.toFixed(2)), el("td", {}, share));
  });
  target.replaceChildren(el("table", { class: "csat" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function percent(rate) {
  return rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)} %`;
}

/** A table: one row per [label, figures], with the given columns of the figures. */
function table(target, caption, first, entries, columns) {
  if (!entries.length) {
    target.replaceChildren(el("p", { class: "muted" }, `${caption}: none yet.`));
    return;
  }
  const head = el("tr", {}, el("th", { scope: "col" }, first),
    ...columns.map(([, title]) => el("th", { scope: "col" }, title)));
  const rows = entries.map(([label, figures]) => el("tr", {}, el("th", { scope: "row" }, label),
    ...columns.map(([key]) => el("td", {}, key === "rate" ? percent(figures[key]) : String(figures[key])))));
  target.replaceChildren(el("table", { class: "figures" }, el("caption", {}, caption),
    el("thead", {}, head), el("tbody", {}, ...rows)));
}

const PROMISE_COLUMNS = [["rate", "on time"], ["kept", "kept"], ["late", "late"],
  ["missed", "missed"], ["pending", "pending"]];

function query() {
  const params = new URLSearchParams();
  for (const name of ["from", "to", "language", "category"]) {
    const value = $(name).value;
    if (value) params.set(name, value);
  }
  return params.toString();
}

function fillChoices(select, values) {
  if (select.options.length > 1) return;
  values.forEach((value) => select.append(el("option", { value }, value)));
}

async function load() {
  const q = query();
  $("csv").href = "/studio/api/analytics.csv" + (q ? "?" + q : "");
  const data = await api("GET", "/studio/api/analytics" + (q ? "?" + q : "")).catch(sayError);
  if (data === undefined) return;
  fillChoices($("language"), data.languages);
  fillChoices($("category"), data.categories);
  const rate = data.escalation.rate === null ? "–" : `${Math.round(data.escalation.rate * 100)} %`;
  const d = data.deadlines;
  $("cards").replaceChildren(
    card("Complaints", String(data.total)),
    card("Escalated", rate, `${data.escalation.escalated} complaints`),
    card("Deadlines met", String(d.met), `${d.breached} breached, ${d.pending} pending`),
    card("First human reply", hours(data.first_human_reply),
      `median of ${data.first_human_reply.count}`),
    card("Resolution", hours(data.resolution), `median of ${data.resolution.count}`),
    card("Satisfaction", data.csat.mean === null ? "–" : `${data.csat.mean.toFixed(2)} / 5`,
      `${data.csat.count} ratings, ${data.csat.with_feedback} with a suggestion`)
  );
  days($("chart-day"), data.per_day);
  bars($("chart-category"), Object.entries(data.per_category), "#2f8a45");
  bars($("chart-language"), Object.entries(data.per_language), "#7d3cae");
  bars($("chart-reasons"), Object.entries(data.escalation.reasons), "#c0561b");
  csatTable($("csat-category"), data.csat.per_category);
  csatTable($("csat-agent"), data.csat.per_agent);
  csatTable($("csat-language"), data.csat.per_language);
  bars($("chart-deadlines"), [["met", d.met], ["breached", d.breached], ["pending", d.pending]], "#0b5cad");
  const p = data.promises;
  table($("promises-agent"), `Per agent (all: ${percent(p.overall.rate)} on time)`, "Agent",
    Object.entries(p.per_agent), PROMISE_COLUMNS);
  table($("promises-category"), "Per category", "Category", Object.entries(p.per_category),
    PROMISE_COLUMNS);
  table($("clocks"), "Per clock", "Clock", Object.entries(data.clocks),
    [["met", "met"], ["missed", "missed"], ["running", "running"]]);
}

ready.then(() => {
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  load();
});

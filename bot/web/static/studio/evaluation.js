/* Evaluation: run cross-validation and the test stories in the background; show per-intent
 * precision, recall and F1, the confusion matrix and the failing test stories. */
import { api, el, say, sayError, ready } from "./studio.js";

const $ = (id) => document.getElementById(id);
let polling = null;

const fixed = (value) => (typeof value === "number" ? value.toFixed(3) : "–");

function grade(f1) {
  if (f1 >= 0.9) return "good";
  if (f1 >= 0.7) return "fair";
  return "poor";
}

function showState(view) {
  const job = view.running || (view.jobs && view.jobs[0]);
  const state = $("evaluation-state");
  $("evaluate").disabled = Boolean(view.running);
  if (!job) {
    state.textContent = "No evaluation has run in the studio yet.";
    return;
  }
  state.className = "job-state state-" + job.state;
  const took = `${Math.round(job.elapsed_seconds)} s`;
  if (job.state === "running") state.textContent = `Running… ${job.stage} (${took} so far)`;
  else if (job.state === "succeeded") state.textContent = `Last evaluation finished in ${took}.`;
  else state.textContent = `Last evaluation ${job.state}: ${job.error || ""}`;
  const log = $("evaluation-log");
  log.hidden = !(job.state !== "succeeded" && view.latest_log && view.latest_log.length);
  log.textContent = (view.latest_log || []).join("\n");
}

function showResults(summary) {
  if (!summary) {
    $("results").hidden = true;
    return;
  }
  $("results").hidden = false;
  const which =
    summary.model_serving === true
      ? `${summary.model} (the model serving when it ran)`
      : summary.model_serving === false
        ? `${summary.model} (trained, not serving when it ran)`
        : summary.model;
  $("results-meta").textContent =
    `Finished ${summary.finished_at.replace("T", " ")}; ${summary.examples} examples, ` +
    `${summary.folds} folds. Test stories scored model ${which}.`;
  $("languages").tBodies[0].replaceChildren(
    ...summary.languages.map((row) =>
      el(
        "tr",
        {},
        el("td", {}, row.group),
        el("td", {}, String(row.examples)),
        el("td", {}, fixed(row.macro_f1)),
        el("td", {}, fixed(row.accuracy)),
        el("td", {}, fixed(row.category_accuracy))
      )
    )
  );
  const intents = Object.entries(summary.intents).sort((a, b) => a[1].f1 - b[1].f1);
  $("intents").tBodies[0].replaceChildren(
    ...intents.map(([name, row]) =>
      el(
        "tr",
        { "data-intent": name },
        el("td", {}, name),
        el("td", {}, fixed(row.precision)),
        el("td", {}, fixed(row.recall)),
        el("td", {}, el("span", { class: "badge " + grade(row.f1) }, fixed(row.f1))),
        el("td", {}, String(row.support))
      )
    )
  );
  $("confusion").src = `/studio/api/evaluation/latest/confusion.png?job=${encodeURIComponent(summary.job)}`;
  const stories = summary.stories;
  const total = stories.total === null || stories.total === undefined ? "?" : stories.total;
  $("stories-summary").textContent =
    stories.failed_count === 0
      ? `All ${total} test stories pass.`
      : `${stories.failed_count} of ${total} test stories fail:`;
  $("failed-stories").replaceChildren(
    ...stories.failed.map((story) =>
      el("div", { class: "story-failure" }, el("h4", {}, story.name), el("pre", {}, story.yaml))
    )
  );
}

function showModels(view) {
  const select = $("model");
  const chosen = select.value;
  const names = view.models || [];
  select.replaceChildren(
    ...names.map((name) =>
      el("option", { value: name }, name === view.serving ? `${name} (serving)` : `${name} (not serving)`)
    )
  );
  select.value = names.includes(chosen) ? chosen : view.serving || names[0] || "";
  select.disabled = names.length === 0;
}

async function refresh() {
  const data = await api("GET", "/studio/api/evaluation").catch(sayError);
  if (data === undefined) return;
  showModels(data);
  showState(data);
  showResults(data.latest);
  if (data.running && !polling) polling = setInterval(refresh, 3000);
  if (!data.running && polling) {
    clearInterval(polling);
    polling = null;
    const last = data.jobs[0];
    if (last && last.state === "succeeded") say("The evaluation finished.", "ok");
    else if (last) say(`The evaluation ${last.state}: ${last.error || ""}`, "error");
  }
}

async function evaluate() {
  const folds = Number($("folds").value);
  const model = $("model").value || null;
  const data = await api("POST", "/studio/api/evaluation", { folds, model }).catch(sayError);
  if (data === undefined) return;
  say(
    `The evaluation is running in the background with ${data.options.model}; ` +
      "the bot keeps answering.",
    "info"
  );
  refresh();
}

ready.then(() => {
  $("evaluate").addEventListener("click", evaluate);
  refresh();
});

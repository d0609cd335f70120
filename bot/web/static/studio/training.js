/* Training and models: start a training in the background, follow its progress, list the
 * models, activate one or roll back. Everything is rendered as text. */
import { api, el, say, sayError, ready } from "./studio.js";

const $ = (id) => document.getElementById(id);
let polling = null;
let lastView = null; // the latest training view, worded again when the serving model changes
let serving = null; // the model the bot answers with: the page's one truth about models

function when(iso) {
  return iso ? iso.slice(0, 19).replace("T", " ") : "–";
}

function seconds(value) {
  if (value === null || value === undefined) return "–";
  const whole = Math.round(value);
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function showJob(view) {
  const job = view.running || (view.jobs && view.jobs[0]);
  const state = $("training-state");
  const log = $("training-log");
  $("cancel").hidden = !view.running;
  $("train").disabled = Boolean(view.running);
  if (!job) {
    state.textContent = "No model has been trained in the studio yet.";
    log.hidden = true;
    return;
  }
  state.className = "job-state state-" + job.state;
  if (job.state === "running") {
    state.textContent = `Training… ${job.stage} (${seconds(job.elapsed_seconds)} so far)`;
  } else if (job.state === "succeeded") {
    const model = job.result.model;
    state.textContent =
      `Last training finished in ${seconds(job.elapsed_seconds)}: ${model}. ` +
      (model === serving
        ? "The bot is answering with it."
        : "It is trained, not serving: activate it in the list of models to let the bot use it.");
  } else {
    state.textContent = `Last training ${job.state}: ${job.error || ""}`;
  }
  log.hidden = !(view.latest_log && view.latest_log.length);
  log.textContent = (view.latest_log || []).join("\n");
}

function showHistory(jobs) {
  $("history").tBodies[0].replaceChildren(
    ...jobs.map((job) =>
      el(
        "tr",
        { class: "state-" + job.state },
        el("td", {}, when(job.started_at)),
        el("td", {}, job.started_by),
        el("td", {}, job.state === "running" ? `running: ${job.stage}` : job.state),
        el("td", {}, seconds(job.elapsed_seconds)),
        el("td", {}, (job.result && job.result.model) || "–"),
        el("td", { class: "problem" }, job.error || "")
      )
    )
  );
}

async function refreshTraining() {
  const data = await api("GET", "/studio/api/training").catch(sayError);
  if (data === undefined) return;
  lastView = data;
  showJob(data);
  showHistory(data.jobs || []);
  if (data.running && !polling) {
    polling = setInterval(refreshTraining, 2000);
  } else if (!data.running && polling) {
    clearInterval(polling);
    polling = null;
    const last = data.jobs[0];
    if (last && last.state === "succeeded") {
      say(`The new model ${last.result.model} is trained, not serving yet.`, "ok");
    }
    else if (last) say(`Training ${last.state}: ${last.error || ""}`, "error");
    refreshModels();
  }
}

async function activate(name) {
  say(`Loading ${name} into the bot…`, "info");
  const data = await api("POST", "/studio/api/models/activate", { model: name }).catch(sayError);
  if (data === undefined) return;
  say(`The bot is now answering with ${name}.`, "ok");
  showModels(data);
}

function showModels(view) {
  serving = view.serving;
  $("serving").textContent = view.serving
    ? `The bot is answering with ${view.serving}.`
    : "No model is serving yet: train one, then activate it.";
  $("rollback").disabled = !view.previous;
  $("rollback").textContent = view.previous
    ? `Roll back to ${view.previous}`
    : "Roll back to the previous model";
  $("models").tBodies[0].replaceChildren(
    ...view.models.map((model) =>
      el(
        "tr",
        { class: model.serving ? "serving" : "", "data-model": model.name },
        el("td", { class: "name" }, model.name),
        el("td", {}, when(model.trained_at)),
        el("td", {}, megabytes(model.size_bytes)),
        el("td", {}, model.data_version || "–"),
        el("td", {}, model.trained_by || "–"),
        el("td", { class: "model-state" }, model.serving ? "Serving" : "Trained, not serving"),
        el(
          "td",
          {},
          model.serving
            ? ""
            : el(
                "button",
                {
                  type: "button",
                  onclick: () => activate(model.name),
                  "aria-label": `Activate ${model.name}`,
                },
                "Activate"
              )
        )
      )
    )
  );
  if (lastView) showJob(lastView);
}

async function refreshModels() {
  const data = await api("GET", "/studio/api/models").catch(sayError);
  if (data === undefined) return;
  showModels(data);
}

async function train() {
  const data = await api("POST", "/studio/api/training", { force: $("force").checked }).catch(sayError);
  if (data === undefined) return;
  say("Training started. The bot keeps using the current model meanwhile.", "info");
  refreshTraining();
}

async function cancel() {
  const view = await api("GET", "/studio/api/training").catch(sayError);
  if (!view || !view.running) return;
  await api("POST", `/studio/api/training/${view.running.id}/cancel`).catch(sayError);
}

async function rollback() {
  const data = await api("POST", "/studio/api/models/rollback").catch(sayError);
  if (data === undefined) return;
  say(`Rolled back: the bot is now answering with ${data.serving}.`, "ok");
  showModels(data);
}

ready.then(() => {
  $("train").addEventListener("click", train);
  $("cancel").addEventListener("click", cancel);
  $("rollback").addEventListener("click", rollback);
  refreshTraining();
  refreshModels();
});

/* Review inbox: real messages the bot was unsure about; add one as an example of the right
 * intent, or keep the whole conversation as a test story. Everything is rendered as text. */
import { api, el, say, sayError, ready } from "./studio.js";

const $ = (id) => document.getElementById(id);

const WHY = {
  low_confidence: "unsure",
  fallback: "fell back",
  not_understood: "not understood",
  corrected: "corrected by an agent",
  person_missed: "asked for a person, not handed over",
  language: "language looks wrong",
};

let languageNames = {};

function intentPicker(item, intents) {
  // Only an agent's correction is filled in: the bot's guess is in its own column, and
  // nlu_fallback is never an intent to learn.
  const chosen = item.corrected_intent;
  return el(
    "select",
    { "aria-label": `Right intent for: ${item.text}`, class: "intent" },
    el("option", { value: "" }, "choose…"),
    intents.filter((name) => name !== "nlu_fallback").map((name) => {
      const option = el("option", { value: name }, name);
      if (name === chosen) option.selected = true;
      return option;
    })
  );
}

async function act(path, body, done) {
  const data = await api("POST", path, body).catch(sayError);
  if (data === undefined) return;
  say(done(data), "ok");
  load();
}

function languagePicker(item) {
  const chosen = item.suggested_language || item.data_language;
  return el(
    "select",
    { "aria-label": `Language of: ${item.text}`, class: "language" },
    Object.entries(languageNames).map(([code, name]) => {
      const option = el("option", { value: code }, name);
      if (code === chosen) option.selected = true;
      return option;
    })
  );
}

function row(item, intents) {
  const picker = intentPicker(item, intents);
  const language = languagePicker(item);
  const confidence =
    typeof item.confidence === "number" ? ` (${Math.round(item.confidence * 100)} %)` : "";
  const asExample = el(
    "button",
    {
      type: "button",
      class: "primary",
      onclick: () => {
        if (!picker.value) return say("Choose the right intent first.", "error");
        act(
          `/studio/api/review/${item.id}/example`,
          { intent: picker.value, language: language.value || null },
          (data) =>
            `Added as an example of ${data.intent} (${languageNames[data.language] || data.language}). ` +
            "Retrain to use it: the bot learns it with the next training (Training and models)."
        );
      },
    },
    "Add as example"
  );
  const asStory = el(
    "button",
    {
      type: "button",
      onclick: () =>
        act(`/studio/api/review/${item.id}/story`, {}, (data) =>
          `The conversation is now the test story "${data.story}" (${data.steps} steps).`
        ),
    },
    "Make a test story"
  );
  const dismiss = el(
    "button",
    {
      type: "button",
      onclick: () => act(`/studio/api/review/${item.id}/done`, {}, () => "Marked as handled."),
    },
    "Handled"
  );
  return el(
    "tr",
    { "data-item": String(item.id), class: item.done ? "done" : "" },
    el("td", { class: "text" }, item.text),
    el("td", {}, item.reasons.map((reason) => el("span", { class: "badge reason" }, WHY[reason] || reason))),
    el("td", {}, (item.intent || "–") + confidence),
    el("td", {}, language),
    el("td", {}, (item.at || "").slice(0, 16).replace("T", " ")),
    el("td", {}, picker),
    el(
      "td",
      {},
      item.done
        ? el("span", { class: "muted" }, `${item.done.action} by ${item.done.by}`)
        : el("div", { class: "actions" }, asExample, asStory, dismiss)
    )
  );
}

async function load() {
  const all = $("show-done").checked ? "?all=1" : "";
  const data = await api("GET", "/studio/api/review" + all).catch(sayError);
  if (data === undefined) return;
  const { items, intents } = data;
  languageNames = data.language_names || {};
  $("count").textContent = items.length === 1 ? "1 message" : `${items.length} messages`;
  $("inbox").tBodies[0].replaceChildren(...items.map((item) => row(item, intents)));
}

ready.then(() => {
  $("reload").addEventListener("click", load);
  $("show-done").addEventListener("change", load);
  load();
});

/* Intents page: intents with their examples per language, entity marking, new intents. */
import { api, el, say, sayError, checking, LANGUAGE_NAMES, ready } from "./studio.js";

/** "an English", "a Croatian": the English article before a language's name. */
const withArticle = (name) => (/^[aeiou]/i.test(name) ? "an " : "a ") + name;

const state = { intents: [], entities: [], versions: {}, current: null, language: "en", detail: null };
const main = document.getElementById("studio-main");

function scoreBadge(scores, short) {
  if (!scores || typeof scores.f1 !== "number") {
    return el("span", { class: "badge", title: "not evaluated yet: run an evaluation to see how well it is recognised" },
      short ? "F1 –" : "not evaluated yet");
  }
  const f1 = scores.f1;
  const grade = f1 >= 0.9 ? "good" : f1 >= 0.75 ? "fair" : "poor";
  const title = `precision ${fmt(scores.precision)}, recall ${fmt(scores.recall)}` +
    (scores.support !== undefined ? `, ${scores.support} examples tested` : "");
  return el("span", { class: "badge " + grade, title }, `F1 ${fmt(f1)}`);
}

function fmt(value) {
  return typeof value === "number" ? value.toFixed(2) : "–";
}

function merge(versions) {
  Object.assign(state.versions, versions || {});
}

/** An example's text with its entities highlighted, built from text nodes only. */
function renderExample(example) {
  const plain = example.plain;
  const out = el("span", { class: "text" });
  let cursor = 0;
  const entities = [...(example.entities || [])].sort((a, b) => a.start - b.start);
  for (const entity of entities) {
    out.append(plain.slice(cursor, entity.start));
    out.append(
      el("mark", { class: "entity", title: entity.entity }, plain.slice(entity.start, entity.end),
        el("span", { class: "label" }, entity.entity))
    );
    cursor = entity.end;
  }
  out.append(plain.slice(cursor));
  return out;
}

/** The editor of one example: plain text, entities marked by selecting text. */
function exampleEditor(initial, onSave, onCancel) {
  let spans = (initial && initial.entities ? initial.entities : []).map((e) => ({
    start: e.start, end: e.end, entity: e.entity,
  }));
  const input = el("input", {
    type: "text", class: "text example-input", value: initial ? initial.plain : "",
    placeholder: "Type what a customer would write…", "aria-label": "Example text", maxlength: 500,
  });
  const entitySelect = el("select", { "aria-label": "Entity" },
    state.entities.map((name) => el("option", { value: name }, name)));
  const preview = el("div", { class: "muted preview" });
  function refresh() {
    preview.replaceChildren();
    if (spans.length) {
      preview.append("Entities: ");
      spans.forEach((span, i) => {
        preview.append(el("span", { class: "entity" }, input.value.slice(span.start, span.end),
          el("span", { class: "label" }, span.entity)));
        preview.append(el("button", {
          type: "button", class: "danger", "aria-label": "Remove entity " + span.entity,
          onclick: () => { spans.splice(i, 1); refresh(); },
        }, "×"), " ");
      });
    }
  }
  input.addEventListener("input", () => { if (spans.length) { spans = []; refresh(); } });
  const mark = el("button", {
    type: "button",
    onclick: () => {
      const start = input.selectionStart, end = input.selectionEnd;
      if (start === null || end === null || start === end) {
        say("Select the words in the text first, then choose the entity.", "info");
        return;
      }
      if (spans.some((s) => start < s.end && s.start < end)) {
        say("That overlaps an entity you already marked.", "error");
        return;
      }
      spans.push({ start, end, entity: entitySelect.value });
      spans.sort((a, b) => a.start - b.start);
      refresh();
    },
  }, "Mark selected text");
  const saveButton = el("button", { type: "submit", class: "primary" }, initial ? "Save" : "Add example");
  const form = el("form", { class: "row example-editor" }, input, entitySelect, mark, saveButton,
    onCancel ? el("button", { type: "button", onclick: onCancel }, "Cancel") : null, preview);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    saveButton.disabled = true;
    checking();
    try {
      await onSave(input.value, spans);
    } finally {
      saveButton.disabled = false;
    }
  });
  refresh();
  return { form, input };
}

async function loadList() {
  const data = await api("GET", "/studio/api/intents").catch(sayError);
  if (data === undefined) return;
  state.intents = data.intents;
  state.entities = data.entities;
  merge(data.versions);
  state.evaluatedAt = data.evaluated_at;
  renderList();
}

async function loadDetail(name) {
  const data = await api("GET", "/studio/api/intents/" + encodeURIComponent(name)).catch(sayError);
  if (data === undefined) return;
  state.current = name;
  state.detail = data;
  merge(data.versions);
  renderList();
  renderDetail();
}

function renderList() {
  const filter = (document.getElementById("intent-filter") || {}).value || "";
  const list = document.getElementById("intent-list");
  list.replaceChildren(
    ...state.intents
      .filter((intent) => intent.name.includes(filter.trim().toLowerCase()))
      .map((intent) => {
        const total = Object.values(intent.counts).reduce((a, b) => a + b, 0);
        return el("li", {},
          el("button", {
            type: "button", "aria-pressed": intent.name === state.current ? "true" : "false",
            onclick: () => loadDetail(intent.name), "data-intent": intent.name,
          }, el("span", {}, intent.name), el("span", {}, el("span", { class: "muted" }, String(total) + " "), scoreBadge(intent.scores, true)))
        );
      })
  );
  const when = document.getElementById("evaluated-at");
  when.textContent = state.evaluatedAt ? `F1 from the evaluation of ${state.evaluatedAt}` : "F1: not evaluated yet";
}

/** Wait for a save, then show the fresh lists; false (the error shown) when it was refused. */
async function saveResult(saving, okText) {
  const data = await saving.catch(sayError);
  if (data === undefined) return false;
  merge(data.versions);
  await loadList();
  if (state.current) await loadDetail(state.current);
  say(`${okText} (checked by Rasa's validator and saved in ${data.seconds.toFixed(1)} s).`, "ok");
  return true;
}

function renderDetail() {
  const panel = document.getElementById("intent-detail");
  const detail = state.detail;
  if (!detail) {
    panel.replaceChildren(el("p", { class: "muted" }, "Choose an intent on the left."));
    return;
  }
  const tabs = el("div", { class: "tabs", role: "tablist" },
    Object.keys(LANGUAGE_NAMES).map((lang) =>
      el("button", {
        type: "button", role: "tab", "aria-selected": lang === state.language ? "true" : "false",
        "data-language": lang, onclick: () => { state.language = lang; renderDetail(); },
      }, `${LANGUAGE_NAMES[lang]} (${(detail.examples[lang] || []).length})`)
    ));
  const examples = detail.examples[state.language] || [];
  const list = el("ul", { class: "examples", "aria-label": "Examples" });
  for (const example of examples) {
    const item = el("li", {}, renderExample(example),
      el("button", {
        type: "button", onclick: () => {
          const editor = exampleEditor(example, async (text, entities) => {
            const saving = api("PUT", "/studio/api/intents/" + encodeURIComponent(detail.name) + "/examples", {
              language: state.language, old: example.text, text, entities, versions: state.versions,
            });
            await saveResult(saving, "Example changed");
          }, () => renderDetail());
          item.replaceChildren(editor.form);
          editor.input.focus();
        },
      }, "Edit"),
      el("button", {
        type: "button", class: "danger", onclick: async () => {
          if (!window.confirm(`Delete the example "${example.plain}"?`)) return;
          const saving = api("POST", "/studio/api/intents/" + encodeURIComponent(detail.name) + "/examples/delete", {
            language: state.language, text: example.text, versions: state.versions,
          });
          await saveResult(saving, "Example deleted");
        },
      }, "Delete"));
    list.append(item);
  }
  const adder = exampleEditor(null, async (text, entities) => {
    const saving = api("POST", "/studio/api/intents/" + encodeURIComponent(detail.name) + "/examples", {
      language: state.language, text, entities, versions: state.versions,
    });
    const added =
      `Example added to ${detail.name} (${LANGUAGE_NAMES[state.language]}). ` +
      "The bot uses it after the next training: retrain it under Training and models.";
    if (await saveResult(saving, added)) {
      const input = document.querySelector("#intent-detail .example-input");
      if (input) input.focus();
    }
  });
  panel.replaceChildren(
    el("h2", {}, detail.name, " ", scoreBadge(detail.scores)),
    tabs,
    el("h3", {}, `Add ${withArticle(LANGUAGE_NAMES[state.language])} example`),
    adder.form,
    el("p", { class: "muted" }, "To mark an entity (an order number, e-mail, phone…), select it in the text, choose the entity and press “Mark selected text”."),
    examples.length ? list : el("p", { class: "muted" }, `No ${LANGUAGE_NAMES[state.language]} examples yet.`)
  );
}

function newIntentForm() {
  const name = el("input", { name: "name", required: true, placeholder: "complain_packaging", maxlength: 64, "aria-label": "New intent name" });
  const language = el("select", { name: "language", "aria-label": "Language of the first example" },
    Object.entries(LANGUAGE_NAMES).map(([key, title]) => el("option", { value: key }, title)));
  const example = el("input", { name: "example", required: true, placeholder: "First example", maxlength: 500, "aria-label": "First example" });
  const form = el("form", { class: "new-intent" },
    el("h2", {}, "New intent"),
    el("label", {}, "Name (lower case, underscores)", name),
    el("label", {}, "Language", language),
    el("label", {}, "First example", example),
    el("p", {}, el("button", { type: "submit", class: "primary" }, "Add intent")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    checking();
    const data = await api("POST", "/studio/api/intents", {
      name: name.value.trim(), language: language.value, example: example.value, versions: state.versions,
    }).catch(sayError);
    if (data === undefined) return;
    merge(data.versions);
    state.language = language.value;
    form.reset();
    await loadList();
    await loadDetail(data.result);
    say(`Intent ${data.result} added. Now add a response and a rule or story that uses it.`, "ok");
  });
  return form;
}

main.append(
  el("div", { class: "columns" },
    el("section", { class: "panel", "aria-label": "Intents" },
      el("input", { id: "intent-filter", type: "search", placeholder: "Filter intents", "aria-label": "Filter intents", oninput: renderList }),
      el("p", { id: "evaluated-at", class: "muted" }),
      el("ul", { id: "intent-list", class: "list" }),
      newIntentForm()),
    el("section", { id: "intent-detail", class: "panel", "aria-live": "polite" }))
);
renderDetail();
ready.then(async () => {
  await loadList();
  const wanted = new URLSearchParams(location.search).get("intent");
  if (wanted) await loadDetail(wanted);
});

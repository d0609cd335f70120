/* Responses page: every response in every language and case, missing languages, new ones. */
import { api, el, say, sayError, checking, LANGUAGE_NAMES, ready } from "./studio.js";

const state = { responses: [], versions: {}, current: null };
const main = document.getElementById("studio-main");

function missingBadge(missing) {
  if (!missing.length) return el("span", { class: "badge good" }, "complete");
  return el("span", { class: "badge missing", title: "Missing: " + missing.map((l) => LANGUAGE_NAMES[l]).join(", ") },
    "missing " + missing.join(", "));
}

async function load() {
  const data = await api("GET", "/studio/api/responses").catch(sayError);
  if (data === undefined) return;
  state.responses = data.responses;
  Object.assign(state.versions, data.versions);
  renderList();
  renderDetail();
}

function renderList() {
  const filter = (document.getElementById("response-filter").value || "").trim().toLowerCase();
  const onlyMissing = document.getElementById("only-missing").checked;
  document.getElementById("response-list").replaceChildren(
    ...state.responses
      .filter((r) => r.name.includes(filter) && (!onlyMissing || r.missing.length))
      .map((r) => el("li", {},
        el("button", {
          type: "button", "aria-pressed": r.name === state.current ? "true" : "false", "data-response": r.name,
          onclick: () => { state.current = r.name; renderList(); renderDetail(); },
        }, el("span", {}, r.name), missingBadge(r.missing))))
  );
}

async function save(body, okText) {
  checking();
  const data = await api("PUT", "/studio/api/responses/" + encodeURIComponent(state.current),
    { ...body, versions: state.versions }).catch(sayError);
  if (data === undefined) return;
  Object.assign(state.versions, data.versions);
  await load();
  say(`${okText} (checked by Rasa's validator and saved in ${data.seconds.toFixed(1)} s).`, "ok");
}

function variantRow(language, variant, caseValue, optional = false) {
  const area = el("textarea", {
    "aria-label": `${LANGUAGE_NAMES[language] || "Other"} text`, maxlength: 1000,
    "data-language": language || "", placeholder: variant ? "" : "Missing — write the text for this language",
  });
  area.value = variant ? variant.text || "" : "";
  const button = el("button", { type: "button", class: "primary" }, variant ? "Save" : "Add");
  button.addEventListener("click", () => {
    const body = { language, text: area.value, case: caseValue };
    if (variant) body.index = variant.index;
    save(body, variant ? "Response text saved" : `${LANGUAGE_NAMES[language]} text added`);
  });
  const remove = variant ? el("button", {
    type: "button", class: "danger", onclick: async () => {
      if (!window.confirm("Delete this variation?")) return;
      const data = await api("POST", "/studio/api/responses/" + encodeURIComponent(state.current) + "/delete",
        { index: variant.index, versions: state.versions }).catch(sayError);
      if (data === undefined) return;
      await load();
      say("Variation deleted.", "ok");
    },
  }, "Delete") : null;
  const label = language ? LANGUAGE_NAMES[language] :
    Object.entries(variant.conditions).map(([k, v]) => `${k} = ${v}`).join(", ") || "no condition";
  return [
    el("div", { class: "lang" }, label, variant ? "" : el("div", {}, optional
      ? el("span", { class: "badge" }, "optional")
      : el("span", { class: "badge missing" }, "missing"))),
    el("div", {}, area, el("div", { class: "row" }, button, remove)),
  ];
}

function renderDetail() {
  const panel = document.getElementById("response-detail");
  const response = state.responses.find((r) => r.name === state.current);
  if (!response) {
    panel.replaceChildren(el("p", { class: "muted" }, "Choose a response on the left."));
    return;
  }
  const sections = response.cases.map((item) => {
    const grid = el("div", { class: "variants" });
    const variants = response.variants.filter((v) => v.case_label === item.label);
    for (const language of Object.keys(LANGUAGE_NAMES)) {
      const mine = variants.filter((v) => v.language === language);
      if (!mine.length) grid.append(...variantRow(language, null, item.case, item.fallback));
      for (const variant of mine) grid.append(...variantRow(language, variant, item.case));
    }
    for (const variant of variants.filter((v) => !v.language)) grid.append(...variantRow(null, variant, item.case));
    return el("section", { class: "case" },
      el("h3", {}, item.label ? "When " + item.label : item.fallback ? "When no case matches (catch-all)" : "All conversations", " ",
        item.fallback
          ? el("span", { class: "badge", title: "Used only when no case above matches" },
            item.untranslated.length ? "catch-all, not in " + item.untranslated.join(", ") : "catch-all")
          : missingBadge(item.missing)),
      grid);
  });
  panel.replaceChildren(el("h2", {}, response.name), ...sections);
}

function newResponseForm() {
  const name = el("input", { required: true, placeholder: "utter_acknowledge_packaging", maxlength: 70, "aria-label": "New response name" });
  const areas = Object.fromEntries(Object.keys(LANGUAGE_NAMES).map((lang) =>
    [lang, el("textarea", { "aria-label": `New response ${LANGUAGE_NAMES[lang]}`, "data-language": lang, maxlength: 1000 })]));
  const form = el("form", { class: "new-response" },
    el("h2", {}, "New response"),
    el("label", {}, "Name (starts with utter_)", name),
    Object.entries(areas).map(([lang, area]) => el("label", {}, LANGUAGE_NAMES[lang], area)),
    el("p", {}, el("button", { type: "submit", class: "primary" }, "Add response")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    checking();
    const texts = Object.fromEntries(Object.entries(areas).map(([lang, area]) => [lang, area.value]));
    const data = await api("POST", "/studio/api/responses", { name: name.value.trim(), texts, versions: state.versions }).catch(sayError);
    if (data === undefined) return;
    Object.assign(state.versions, data.versions);
    state.current = data.result.name;
    form.reset();
    await load();
    say(`Response ${data.result.name} added. Use it in a rule or story to make the bot say it.`, "ok");
  });
  return form;
}

main.append(el("div", { class: "columns" },
  el("section", { class: "panel", "aria-label": "Responses" },
    el("input", { id: "response-filter", type: "search", placeholder: "Filter responses", "aria-label": "Filter responses", oninput: renderList }),
    el("label", { class: "row" }, el("span", {}, el("input", { id: "only-missing", type: "checkbox", onchange: renderList }), " only those missing a language")),
    el("ul", { id: "response-list", class: "list" }),
    newResponseForm()),
  el("section", { id: "response-detail", class: "panel", "aria-live": "polite" })));
ready.then(load);

/* Stories & rules page: edit them as steps, create from templates, see them as a diagram. */
import { api, el, say, sayError, checking, ready } from "./studio.js";
import { svgEl } from "../shared/dom.js";

const STEP_TITLES = {
  intent: "User says (intent)",
  action: "Bot does (action or response)",
  slot_was_set: "Slot was set",
  active_loop: "Form",
  or: "User says one of",
  checkpoint: "Checkpoint",
  user: "User message",
  other: "Other step",
};
const state = { data: null, versions: {}, draft: null, selected: null };
const main = document.getElementById("studio-main");

const clone = (value) => JSON.parse(JSON.stringify(value));

async function load(keep) {
  const data = await api("GET", "/studio/api/stories").catch(sayError);
  if (data === undefined) return;
  state.data = data;
  Object.assign(state.versions, data.versions);
  renderDatalists();
  renderList();
  renderTemplates();
  if (keep && state.selected) {
    const item = state.data.items.find((i) => i.kind === state.selected.kind && i.name === state.selected.name);
    if (item) open(item);
  }
}

function renderDatalists() {
  const lists = document.getElementById("datalists");
  const list = (id, values) => el("datalist", { id }, values.map((v) => el("option", { value: v })));
  lists.replaceChildren(
    list("intents-list", state.data.intents),
    list("actions-list", state.data.actions),
    list("forms-list", state.data.forms),
    list("slots-list", [...state.data.slots, "requested_slot"]));
}

function renderList() {
  const filter = (document.getElementById("story-filter").value || "").trim().toLowerCase();
  const groups = [["rule", "Rules"], ["story", "Stories"]].map(([kind, title]) => {
    const items = state.data.items.filter((i) => i.kind === kind && i.name.toLowerCase().includes(filter));
    return [el("h3", {}, `${title} (${items.length})`),
      el("ul", { class: "list" }, items.map((item) => el("li", {},
        el("button", {
          type: "button", "data-story": item.name,
          "aria-pressed": state.selected && state.selected.kind === kind && state.selected.name === item.name ? "true" : "false",
          onclick: () => open(item),
        }, el("span", {}, item.name)))))];
  });
  document.getElementById("story-list").replaceChildren(...groups.flat());
}

function renderTemplates() {
  const select = document.getElementById("template");
  select.replaceChildren(...state.data.templates.map((t) => el("option", { value: t.id }, t.title)));
}

function open(item) {
  state.selected = { kind: item.kind, name: item.name };
  state.draft = {
    kind: item.kind, index: item.index, original_name: item.name, name: item.name,
    steps: clone(item.steps), condition: clone(item.condition || []),
    wait_for_user_input: item.wait_for_user_input !== false,
  };
  renderList();
  renderEditor();
}

// ------------------------------------------------------------------ step editing

function textInput(value, attrs, onChange) {
  const input = el("input", { type: "text", value: value === null || value === undefined ? "" : String(value), ...attrs });
  input.addEventListener("input", () => { onChange(input.value); renderDiagram(); });
  return input;
}

function slotValue(text) {
  const trimmed = text.trim();
  if (trimmed === "null" || trimmed === "") return null;
  if (trimmed === "true") return true;
  if (trimmed === "false") return false;
  return text;
}

function stepFields(step, rerender) {
  switch (step.type) {
    case "intent":
      return [textInput(step.intent, { list: "intents-list", "aria-label": "Intent", placeholder: "intent" }, (v) => { step.intent = v.trim(); })];
    case "action":
      return [textInput(step.action, { list: "actions-list", "aria-label": "Action", placeholder: "utter_… or action_…" }, (v) => { step.action = v.trim(); })];
    case "active_loop":
      return [textInput(step.loop, { list: "forms-list", "aria-label": "Form", placeholder: "form name (empty: the form ends)" }, (v) => { step.loop = v.trim() || null; })];
    case "slot_was_set":
      return [el("span", { class: "slots" }, step.slots.map((slot, i) => el("span", { class: "row" },
        textInput(slot.name, { list: "slots-list", "aria-label": "Slot", placeholder: "slot" }, (v) => { slot.name = v.trim(); }),
        "=",
        textInput(slot.value === null ? "null" : slot.value, { "aria-label": "Slot value", placeholder: "value or null" }, (v) => { slot.value = slotValue(v); }),
        step.slots.length > 1 ? el("button", { type: "button", "aria-label": "Remove slot", onclick: () => { step.slots.splice(i, 1); rerender(); } }, "×") : null)),
      el("button", { type: "button", onclick: () => { step.slots.push({ name: "", value: null }); rerender(); } }, "+ slot"))];
    case "or":
      return [el("span", { class: "slots" }, step.options.map((option, i) => el("span", { class: "row" },
        option.type === "intent"
          ? textInput(option.intent, { list: "intents-list", "aria-label": "Intent option" }, (v) => { option.intent = v.trim(); })
          : el("code", {}, JSON.stringify(option)),
        step.options.length > 2 ? el("button", { type: "button", "aria-label": "Remove option", onclick: () => { step.options.splice(i, 1); rerender(); } }, "×") : null)),
      el("button", { type: "button", onclick: () => { step.options.push({ type: "intent", intent: "" }); rerender(); } }, "+ intent"))];
    default:
      return [el("code", {}, JSON.stringify(step.data || step))];
  }
}

function stepList(steps, allowed, label) {
  const list = el("ol", { class: "steps", "aria-label": label });
  const rerender = () => renderEditor();
  steps.forEach((step, i) => {
    list.append(el("li", { class: "kind-" + step.type, "data-step": String(i) },
      el("strong", {}, STEP_TITLES[step.type] || step.type),
      ...stepFields(step, rerender),
      el("span", { class: "row" },
        el("button", { type: "button", "aria-label": "Move up", disabled: i === 0, onclick: () => { [steps[i - 1], steps[i]] = [steps[i], steps[i - 1]]; rerender(); } }, "↑"),
        el("button", { type: "button", "aria-label": "Move down", disabled: i === steps.length - 1, onclick: () => { [steps[i + 1], steps[i]] = [steps[i], steps[i + 1]]; rerender(); } }, "↓"),
        el("button", { type: "button", class: "danger", "aria-label": "Remove step", onclick: () => { steps.splice(i, 1); rerender(); } }, "Remove"))));
  });
  const makers = {
    intent: () => ({ type: "intent", intent: "" }),
    action: () => ({ type: "action", action: "" }),
    slot_was_set: () => ({ type: "slot_was_set", slots: [{ name: "", value: null }] }),
    active_loop: () => ({ type: "active_loop", loop: "" }),
    or: () => ({ type: "or", options: [{ type: "intent", intent: "" }, { type: "intent", intent: "" }] }),
  };
  const adders = el("div", { class: "row" }, allowed.map((type) => el("button", {
    type: "button", "data-add": type, onclick: () => { steps.push(makers[type]()); rerender(); },
  }, "+ " + STEP_TITLES[type])));
  return [list, adders];
}

function renderEditor() {
  const panel = document.getElementById("story-editor");
  const draft = state.draft;
  if (!draft) {
    panel.replaceChildren(el("p", { class: "muted" }, "Choose a rule or story on the left, or start a new one from a template."));
    return;
  }
  const name = textInput(draft.name, { "aria-label": "Name", class: "story-name", maxlength: 200 }, (v) => { draft.name = v; });
  const parts = [
    el("h2", {}, draft.index === null ? `New ${draft.kind}` : `Edit ${draft.kind}`),
    el("label", {}, "Name", name),
  ];
  if (draft.kind === "rule") {
    const wait = el("input", { type: "checkbox", checked: draft.wait_for_user_input });
    wait.addEventListener("change", () => { draft.wait_for_user_input = wait.checked; });
    parts.push(el("h3", {}, "Only when (condition, optional)"),
      ...stepList(draft.condition, ["active_loop", "slot_was_set"], "Condition"),
      el("label", { class: "row" }, el("span", {}, wait, " wait for the user after the last step")));
  }
  parts.push(el("h3", {}, "Steps"), ...stepList(draft.steps, ["intent", "action", "slot_was_set", "active_loop", "or"], "Steps"));
  parts.push(el("div", { class: "row" },
    el("button", { type: "button", class: "primary", id: "save-story", onclick: saveDraft }, draft.index === null ? `Create ${draft.kind}` : "Save"),
    draft.index === null ? null : el("button", { type: "button", class: "danger", onclick: deleteDraft }, `Delete ${draft.kind}`)));
  parts.push(el("h3", {}, "Diagram"), el("div", { id: "diagram", class: "diagram" }));
  panel.replaceChildren(...parts);
  renderDiagram();
}

async function saveDraft() {
  const draft = state.draft;
  checking();
  const body = {
    kind: draft.kind, name: draft.name.trim(), original_name: draft.original_name, steps: draft.steps,
    condition: draft.condition, wait_for_user_input: draft.wait_for_user_input, versions: state.versions,
  };
  const data = await (draft.index === null
    ? api("POST", "/studio/api/stories", body)
    : api("PUT", `/studio/api/stories/${draft.kind}/${draft.index}`, body)
  ).catch((error) => {
    markRefused({ ...error.data, error: error.message });
    sayError(error);
  });
  if (data === undefined) return;
  Object.assign(state.versions, data.versions);
  state.selected = { kind: draft.kind, name: data.result.name };
  await load(true);
  say(`Saved "${data.result.name}" (checked by Rasa's validator and saved in ${data.seconds.toFixed(1)} s).`, "ok");
}

/** Mark the steps whose names Rasa's messages quote ('utter_x'), so the trainer sees where. */
function markRefused(data) {
  const text = [data.error || "", ...(data.problems || [])].join("\n");
  for (const item of document.querySelectorAll("#story-editor ol.steps > li")) {
    const named = [...item.querySelectorAll("input")].some((input) =>
      input.value.trim() && text.includes(`'${input.value.trim()}'`));
    item.classList.toggle("refused", named);
    if (named) item.setAttribute("title", "Rasa's validator refused this step");
  }
}

async function deleteDraft() {
  const draft = state.draft;
  if (!window.confirm(`Delete the ${draft.kind} "${draft.original_name}"?`)) return;
  const data = await api("POST", `/studio/api/stories/${draft.kind}/${draft.index}/delete`,
    { name: draft.original_name, versions: state.versions }).catch(sayError);
  if (data === undefined) return;
  state.draft = null;
  state.selected = null;
  await load(false);
  renderEditor();
  say(`Deleted "${draft.original_name}".`, "ok");
}

function fromTemplate(event) {
  event.preventDefault();
  const template = state.data.templates.find((t) => t.id === document.getElementById("template").value);
  const intent = document.getElementById("template-intent").value.trim();
  const response = document.getElementById("template-response").value.trim();
  const fill = (value) => typeof value === "string" ? value.replace("{intent}", intent).replace("{response}", response) : value;
  const steps = clone(template.steps).map((step) => {
    for (const key of Object.keys(step)) step[key] = fill(step[key]);
    return step;
  });
  state.selected = null;
  state.draft = {
    kind: template.kind, index: null, original_name: null,
    name: document.getElementById("template-name").value.trim(),
    steps, condition: [], wait_for_user_input: true,
  };
  renderList();
  renderEditor();
}

// ------------------------------------------------------------------ diagram

const COLOURS = {
  intent: ["#e3eefb", "#0b5cad"], action: ["#e3f4e6", "#2f8a45"], slot_was_set: ["#fdf1d6", "#b07800"],
  active_loop: ["#efe3f8", "#7d3cae"], or: ["#e3eefb", "#0b5cad"], other: ["#eef1f4", "#5b6878"],
};

function label(step) {
  switch (step.type) {
    case "intent": return "User: " + (step.intent || "?");
    case "action": return "Bot: " + (step.action || "?");
    case "active_loop": return step.loop ? "Form: " + step.loop : "Form ends";
    case "slot_was_set": return "Slot: " + step.slots.map((s) => `${s.name} = ${s.value === null ? "null" : s.value}`).join(", ");
    case "user": return "User: " + step.intent;
    default: return step.type;
  }
}

function renderDiagram() {
  const holder = document.getElementById("diagram");
  if (!holder || !state.draft) return;
  const rows = [...state.draft.condition.map((s) => ({ step: s, condition: true })), ...state.draft.steps.map((s) => ({ step: s }))];
  const boxW = (text) => Math.min(460, Math.max(120, text.length * 7.5 + 24));
  const rowH = 58, boxH = 34, gap = 16;
  let width = 520;
  const layout = rows.map(({ step, condition }) => {
    const texts = step.type === "or" ? step.options.map((o) => "User: " + (o.intent || JSON.stringify(o))) : [label(step)];
    const widths = texts.map(boxW);
    const total = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
    width = Math.max(width, total + 40);
    return { step, condition, texts, widths, total };
  });
  const height = Math.max(rowH, layout.length * rowH + 20);
  const root = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Diagram of " + state.draft.name });
  const defs = svgEl("defs", {});
  const marker = svgEl("marker", { id: "arrow", markerWidth: 10, markerHeight: 10, refX: 8, refY: 3, orient: "auto" });
  marker.append(svgEl("path", { d: "M0,0 L8,3 L0,6 z", fill: "#5b6878" }));
  defs.append(marker);
  root.append(defs);
  let previous = [];
  layout.forEach((row, i) => {
    const y = 10 + i * rowH;
    let x = (width - row.total) / 2;
    const [fill, stroke] = COLOURS[row.step.type] || COLOURS.other;
    const current = [];
    row.texts.forEach((text, j) => {
      const w = row.widths[j];
      const group = svgEl("g", { class: "node node-" + row.step.type });
      group.append(svgEl("rect", { x, y, width: w, height: boxH, rx: 8, fill, stroke, "stroke-width": 1.5, "stroke-dasharray": row.condition ? "5 3" : "" }));
      const caption = text.length > 60 ? text.slice(0, 57) + "…" : text;
      group.append(svgEl("text", { x: x + w / 2, y: y + boxH / 2 + 4, "text-anchor": "middle", fill: "#1d2733" }, caption));
      root.append(group);
      current.push(x + w / 2);
      x += w + gap;
    });
    for (const from of previous) {
      for (const to of current) {
        root.append(svgEl("line", { x1: from, y1: y - rowH + boxH + 10 - 10, x2: to, y2: y - 2, stroke: "#5b6878", "stroke-width": 1.5, "marker-end": "url(#arrow)" }));
      }
    }
    previous = current;
  });
  holder.replaceChildren(root);
}

// ------------------------------------------------------------------ page

const templateForm = el("form", { class: "new-story" },
  el("h2", {}, "New from a template"),
  el("label", {}, "Template", el("select", { id: "template" })),
  el("label", {}, "Name", el("input", { id: "template-name", required: true, maxlength: 200, placeholder: "packaging complaints get an apology" })),
  el("label", {}, "Intent", el("input", { id: "template-intent", list: "intents-list", placeholder: "complain_packaging" })),
  el("label", {}, "Response", el("input", { id: "template-response", list: "actions-list", placeholder: "utter_…" })),
  el("p", {}, el("button", { type: "submit" }, "Start editing")));
templateForm.addEventListener("submit", fromTemplate);

main.append(el("div", { id: "datalists" }), el("div", { class: "columns" },
  el("section", { class: "panel", "aria-label": "Rules and stories" },
    el("input", { id: "story-filter", type: "search", placeholder: "Filter", "aria-label": "Filter rules and stories", oninput: () => renderList() }),
    el("div", { id: "story-list" }),
    templateForm),
  el("section", { id: "story-editor", class: "panel", "aria-live": "polite" })));
renderEditor();
ready.then(() => load(false));

/* The trainer studio's helpers: navigation and messages, plus the front end's shared DOM
 * helper and JSON client. Every page's module imports this one. Everything is rendered as
 * text nodes. */
import { api, csrfToken, useSession } from "../shared/api.js";
import { el } from "../shared/dom.js";

export { api, el };

useSession({ signIn: () => "/console/login?next=" + encodeURIComponent(location.pathname) });

const PAGES = [
  ["intents", "Intents"],
  ["responses", "Responses"],
  ["stories", "Stories & rules"],
  ["training", "Training & models"],
  ["evaluation", "Evaluation"],
  ["review", "Review inbox"],
  ["analytics", "Analytics"],
];
/** The language keys of the project's files, as trainers read them. */
const LANGUAGE_NAMES = {
  en: "English",
  hr: "Croatian",
  bs: "Bosnian",
  sr_latn: "Serbian (Latin)",
  sr_cyrl: "Serbian (Cyrillic)",
};

function messageBox() {
  return document.getElementById("studio-message");
}

/** Show a message ("ok", "error" or "info") above the page's content. */
function say(text, kind, details) {
  const box = messageBox();
  if (!box) return;
  box.replaceChildren();
  box.className = "message " + (kind || "info");
  box.append(el("p", {}, text));
  if (details && details.length) {
    box.append(el("ul", { class: "problems" }, details.map((line) => el("li", {}, line))));
  }
  box.hidden = false;
  if (kind === "error") box.setAttribute("role", "alert");
  else box.setAttribute("role", "status");
}

/** Show a refused request's error (an ApiError) and Rasa's messages (problems) plainly. */
function sayError(error) {
  const data = error.data || {};
  const text = error.message || String(error);
  const problems = (data.problems || []).filter((problem) => !text.includes(String(problem).trim()));
  say(text, "error", problems);
}

function buildNav(me) {
  const nav = document.getElementById("studio-nav");
  if (!nav) return;
  const current = document.body.dataset.page;
  const list = el(
    "ul",
    {},
    PAGES.map(([page, title]) =>
      el(
        "li",
        {},
        el(
          "a",
          { href: "/studio/" + page, "aria-current": page === current ? "page" : null },
          title
        )
      )
    )
  );
  const who = el("span", { class: "who" }, me ? `${me.display_name || me.username} (${me.role})` : "");
  const out = el(
    "form",
    { method: "post", action: "/console/logout", class: "signout" },
    el("input", { type: "hidden", name: "csrf_token", value: csrfToken() }),
    el("input", { type: "hidden", name: "next", value: "/studio" }),
    el("button", { type: "submit" }, "Sign out")
  );
  nav.replaceChildren(el("strong", { class: "brand" }, "Trainer studio"), list, who, out);
}

const ready = api("GET", "/studio/api/me").catch(() => null).then((me) => {
  if (me) useSession({ csrfToken: me.csrf_token });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => buildNav(me));
  } else buildNav(me);
  return me;
});

/** Say that a save is being checked (Rasa's validator takes a moment). */
function checking() {
  say("Checking the change with Rasa's validator…", "info");
}

export { say, sayError, checking, ready, PAGES, LANGUAGE_NAMES };

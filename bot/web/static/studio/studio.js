/* The trainer studio's shared helpers: navigation, JSON fetch with the CSRF token, messages.
 * Every page loads this first, then its own script. Everything is rendered as text nodes. */
"use strict";

(function () {
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
  let csrfToken = "";

  /** Build an element: attrs are properties/attributes, children strings become text. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on") && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else if (key === "value" || key === "checked" || key === "disabled") node[key] = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** JSON request; resolves to {status, ok, data} and never throws on an HTTP error. */
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const options = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken;
    let res;
    try {
      res = await fetch(path, options);
    } catch (problem) {
      return { status: 0, ok: false, data: { error: "The server cannot be reached." } };
    }
    if (res.status === 401) {
      window.location.assign("/console/login?next=" + encodeURIComponent(location.pathname));
    }
    let data = null;
    try {
      data = await res.json();
    } catch (problem) {
      data = { error: `The server answered ${res.status} without JSON.` };
    }
    return { status: res.status, ok: res.ok, data };
  }

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

  /** Show a refused request's error and Rasa's messages (problems) plainly. */
  function sayError(result) {
    const data = result.data || {};
    const text = data.error || `Request failed (${result.status}).`;
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
      el("input", { type: "hidden", name: "csrf_token", value: csrfToken }),
      el("button", { type: "submit" }, "Sign out")
    );
    nav.replaceChildren(el("strong", { class: "brand" }, "Trainer studio"), list, who, out);
  }

  const ready = api("GET", "/studio/api/me").then((result) => {
    if (result.ok) csrfToken = result.data.csrf_token || "";
    const me = result.ok ? result.data : null;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", () => buildNav(me));
    } else buildNav(me);
    return me;
  });

  /** Say that a save is being checked (Rasa's validator takes a moment). */
  function checking() {
    say("Checking the change with Rasa's validator…", "info");
  }

  window.Studio = { api, el, say, sayError, checking, ready, PAGES, LANGUAGE_NAMES };
})();

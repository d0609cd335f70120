/*
 * Complaint bot website widget, an ES module.
 *
 * Embed with one line:
 *   <script type="module" src="http://HOST:5005/widget/widget.js" data-title="Customer care"
 *           data-color="#0b5cad" async></script>
 *
 * Optional data attributes: data-title, data-color, data-lang (en, hr, sr, sr-Latn, bs;
 * default: the browser's language), data-ticket-prefix (default "C"),
 * data-socket-path (default "/socket.io").
 *
 * The module, its imports (/widget/shared/*.js) and the labels (/widget/labels.json, one object
 * of labels per language) are served with CORS headers, so the page may be on any site.
 *
 * Talks Rasa's socket.io protocol (session_request/session_confirm, user_uttered/bot_uttered)
 * using the socket.io client the bot serves at /widget/socket.io.js. The session id and the
 * transcript are kept in localStorage, so a reload continues the same conversation. So is a
 * random browser key, sent with session_request, to which the server binds the session id.
 *
 * Labels follow the browser's language (or data-lang) until the chat's language is known: each
 * bot message carries ``metadata.language`` (the tag of the response variation Rasa chose), and
 * from then on the labels, the greeting and the agent's label are in that language (kept with
 * the transcript, so a reload keeps them).
 *
 * Everything shown comes from textContent / text nodes: message text is never parsed as HTML.
 */
import { api } from "./shared/api.js";
import { el, svgEl } from "./shared/dom.js";

const MAX_LENGTH = 5000;
const MAX_STORED_MESSAGES = 200;
const TYPING_TIMEOUT_MS = 20000;
// An agent's typing signal comes every few seconds while they write: the dots go once it stops.
const AGENT_TYPING_MS = 6000;
const OWN_URL = new URL(import.meta.url);
const baseUrl = OWN_URL.href.replace(/\/widget\/widget\.js(?:[?#].*)?$/, "");

// ------------------------------------------------------------------ configuration

/** The <script> tag that loaded this module (module scripts have no currentScript). */
function findOwnScript() {
  const own = OWN_URL.href.split("#")[0];
  const scripts = [...document.querySelectorAll("script[src]")];
  return (
    scripts.find((tag) => new URL(tag.src, window.location.href).href === own) ||
    scripts.filter((tag) => tag.src.includes("/widget/widget.js")).pop() ||
    null
  );
}

const script = findOwnScript();
const data = (script && script.dataset) || {};

/**
 * The key of ``labelsByLanguage`` for a language tag such as "hr-HR", "sr-Latn-RS" or "en-US":
 * the key itself, else the key with the tag's language and script, else the first key (in the
 * file's order) with the tag's language.
 */
function labelSetFor(tag, keys) {
  if (typeof tag !== "string" || !tag) {
    return null;
  }
  const parts = tag.toLowerCase().split(/[-_]/);
  const split = keys.map((key) => ({ key, parts: key.toLowerCase().split("-") }));
  const same = split.filter((item) => item.parts[0] === parts[0]);
  const exact = same.find((item) => item.parts.join("-") === parts.join("-"));
  const withScript = same.find((item) => item.parts[1] && parts.includes(item.parts[1]));
  const found = exact || withScript || same[0];
  return found ? found.key : null;
}

function chooseLanguage(keys) {
  const wanted = [data.lang].concat(navigator.languages || [], [navigator.language]);
  for (const tag of wanted) {
    const found = labelSetFor(tag, keys);
    if (found) {
      return { key: found, tag };
    }
  }
  return { key: keys.includes("en") ? "en" : keys[0], tag: "en" };
}

function validColor(value) {
  if (!value) {
    return null;
  }
  if (window.CSS && typeof window.CSS.supports === "function") {
    return window.CSS.supports("color", value) ? value : null;
  }
  return /^#[0-9a-f]{3,8}$/i.test(value) ? value : null;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let language = { key: "en", tag: "en" };
let labels = {};
let labelsByLanguage = {};
const config = {
  title: (data.title || "Customer care").slice(0, 80),
  color: validColor(data.color) || "#0b5cad",
  socketPath: data.socketPath || "/socket.io",
  ticketPattern: new RegExp(
    "\\b" + escapeRegExp(data.ticketPrefix || "C") + "-[A-HJ-NP-Z2-9]{6}\\b",
    "g"
  ),
};

// ------------------------------------------------------------------ storage

var storageKey = "complaintWidget:" + baseUrl;
var memoryStore = {};

function loadState() {
  var raw;
  try {
    raw = window.localStorage.getItem(storageKey);
  } catch {
    raw = memoryStore[storageKey] || null;
  }
  var state;
  try {
    state = raw ? JSON.parse(raw) : null;
  } catch {
    state = null;
  }
  if (!state || typeof state !== "object") {
    state = {};
  }
  return {
    session: typeof state.session === "string" ? state.session : null,
    browserKey: typeof state.browserKey === "string" ? state.browserKey : newBrowserKey(),
    open: state.open === true,
    messages: Array.isArray(state.messages) ? state.messages : [],
    // the chat's language tag, once a bot message has told it
    language: typeof state.language === "string" ? state.language.slice(0, 20) : null,
    unread: Number.isInteger(state.unread) && state.unread > 0 ? state.unread : 0,
  };
}

// A random secret of this browser, kept with the session id: the server binds the session
// id to it, so the id alone, copied to another browser, opens no conversation.
function newBrowserKey() {
  var bytes = new Uint8Array(32);
  window.crypto.getRandomValues(bytes);
  return Array.prototype.map
    .call(bytes, function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    })
    .join("");
}

var state = loadState();

function saveState() {
  state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
  var raw = JSON.stringify(state);
  try {
    window.localStorage.setItem(storageKey, raw);
  } catch {
    memoryStore[storageKey] = raw;
  }
}

// ------------------------------------------------------------------ DOM helpers

function chatIcon() {
  const path = svgEl("path", {
    d: "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    fill: "currentColor",
  });
  return svgEl(
    "svg",
    { viewBox: "0 0 24 24", width: "28", height: "28", "aria-hidden": "true", focusable: "false" },
    path
  );
}

/** Append ``text`` to ``node`` as text, with ticket numbers wrapped in <mark>. */
function appendText(node, text) {
  var pattern = config.ticketPattern;
  pattern.lastIndex = 0;
  var last = 0;
  var match = pattern.exec(text);
  while (match) {
    if (match.index > last) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
    }
    var mark = el("mark", { class: "cbw-ticket", title: labels.ticket });
    mark.textContent = match[0];
    node.appendChild(mark);
    last = match.index + match[0].length;
    match = pattern.exec(text);
  }
  if (last < text.length) {
    node.appendChild(document.createTextNode(text.slice(last)));
  }
}

// ------------------------------------------------------------------ the widget

var ui = {};
var socket = null;
var sessionReady = false;
var outbox = [];
var typingTimer = null;

function build() {
  var root = el("div", { class: "cbw-root", "data-complaint-widget": "" });
  root.style.setProperty("--cbw-color", config.color);
  root.style.visibility = "hidden"; // until widget.css has loaded
  root.setAttribute("lang", language.tag);

  var panelId = "cbw-panel-" + Math.random().toString(36).slice(2, 10);
  var bubble = el("button", {
    class: "cbw-bubble",
    type: "button",
    "aria-label": labels.open,
    "aria-expanded": "false",
    "aria-controls": panelId,
  });
  bubble.appendChild(chatIcon());
  var badge = el("span", { class: "cbw-badge", "aria-hidden": "true" });
  badge.hidden = true;
  bubble.appendChild(badge);

  var panel = el("section", {
    class: "cbw-panel",
    id: panelId,
    role: "dialog",
    "aria-label": config.title,
  });
  panel.hidden = true;

  var header = el("header", { class: "cbw-header" });
  var title = el("h2", { class: "cbw-title" }, config.title);
  var close = el("button", { class: "cbw-close", type: "button", "aria-label": labels.close }, "×");
  header.appendChild(title);
  header.appendChild(close);

  var log = el("div", {
    class: "cbw-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": labels.log,
    tabindex: "0",
  });

  var typing = el("div", { class: "cbw-typing", role: "status", "aria-label": labels.typing });
  typing.hidden = true;
  for (var i = 0; i < 3; i += 1) {
    typing.appendChild(el("span", { class: "cbw-dot", "aria-hidden": "true" }));
  }

  var status = el("div", { class: "cbw-status", role: "status" });
  status.hidden = true;

  var form = el("form", { class: "cbw-form" });
  var input = el("input", {
    class: "cbw-input",
    type: "text",
    autocomplete: "off",
    maxlength: String(MAX_LENGTH),
    placeholder: labels.placeholder,
    "aria-label": labels.placeholder,
  });
  var send = el("button", { class: "cbw-send", type: "submit" }, labels.send);
  form.appendChild(input);
  form.appendChild(send);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(bubble);

  ui = {
    root: root,
    bubble: bubble,
    badge: badge,
    panel: panel,
    close: close,
    log: log,
    typing: typing,
    status: status,
    form: form,
    input: input,
    send: send,
  };

  bubble.addEventListener("click", function () {
    setOpen(ui.panel.hidden);
  });
  close.addEventListener("click", function () {
    setOpen(false);
    ui.bubble.focus();
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      setOpen(false);
      ui.bubble.focus();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = ui.input.value;
    if (sendMessage(text, text)) {
      ui.input.value = "";
    }
    ui.input.focus();
  });

  document.body.appendChild(root);
}

function setOpen(open) {
  ui.panel.hidden = !open;
  ui.root.classList.toggle("cbw-open", open);
  ui.bubble.setAttribute("aria-expanded", open ? "true" : "false");
  state.open = open;
  if (open) {
    state.unread = 0;
  }
  saveState();
  showUnread();
  if (open) {
    connect();
    scrollToEnd();
    ui.input.focus();
  }
}

/** The bubble's badge and label: how many bot or agent messages came while minimised. */
function showUnread() {
  var count = ui.panel.hidden ? state.unread : 0;
  ui.badge.hidden = count === 0;
  ui.badge.textContent = count > 99 ? "99+" : String(count);
  var label = ui.panel.hidden ? labels.open : labels.close;
  if (count) {
    label += " (" + String(labels.unread || "{count}").replace("{count}", String(count)) + ")";
  }
  ui.bubble.setAttribute("aria-label", label);
}

function scrollToEnd() {
  ui.log.scrollTop = ui.log.scrollHeight;
  // again once the layout has settled (styles, fonts): the latest message stays in view
  window.requestAnimationFrame(function () {
    ui.log.scrollTop = ui.log.scrollHeight;
  });
}

function setTyping(visible, forMs) {
  ui.typing.hidden = !visible;
  window.clearTimeout(typingTimer);
  if (visible) {
    typingTimer = window.setTimeout(function () {
      ui.typing.hidden = true;
    }, forMs || TYPING_TIMEOUT_MS);
    scrollToEnd();
  }
}

function setStatus(text) {
  ui.status.textContent = text || "";
  ui.status.hidden = !text;
}

function removeQuickReplies() {
  var old = ui.log.querySelectorAll(".cbw-replies");
  for (var i = 0; i < old.length; i += 1) {
    old[i].parentNode.removeChild(old[i]);
  }
}

function renderQuickReplies(replies) {
  var group = el("div", { class: "cbw-replies", role: "group", "aria-label": labels.replies });
  replies.forEach(function (reply) {
    var button = el("button", { class: "cbw-reply", type: "button" });
    button.textContent = reply.title;
    button.addEventListener("click", function () {
      sendMessage(reply.payload, reply.title);
      ui.input.focus();
    });
    group.appendChild(button);
  });
  ui.log.appendChild(group);
}

/** Quick replies of a bot message (Rasa sends ``quick_replies`` or ``buttons``). */
function quickRepliesOf(message) {
  var raw = message.quick_replies || message.buttons;
  if (!Array.isArray(raw)) {
    return [];
  }
  return raw
    .filter(function (item) {
      return item && (typeof item.title === "string" || typeof item.payload === "string");
    })
    .map(function (item) {
      var title = String(item.title || item.payload);
      return { title: title, payload: String(item.payload || title) };
    });
}

/** The opening greeting: not part of the transcript, always first, in the current language. */
function renderGreeting() {
  if (!labels.greeting) {
    return;
  }
  var row = el("div", { class: "cbw-message cbw-greeting" });
  var bubble = el("div", { class: "cbw-text" });
  bubble.textContent = labels.greeting;
  row.appendChild(bubble);
  ui.log.appendChild(row);
}

function renderMessage(message, isLatest) {
  var from = message.from === "agent" || message.from === "user" ? message.from : "bot";
  var row = el("div", { class: "cbw-message cbw-" + from });
  if (from === "agent") {
    var author = el("div", { class: "cbw-author" });
    appendText(author, (message.author ? message.author + " · " : "") + labels.person);
    row.appendChild(author);
  }
  var bubble = el("div", { class: "cbw-text" });
  appendText(bubble, message.text);
  row.appendChild(bubble);
  ui.log.appendChild(row);
  if (isLatest && message.from === "bot" && message.replies && message.replies.length) {
    renderQuickReplies(message.replies);
  }
}

function addMessage(message) {
  removeQuickReplies();
  state.messages.push(message);
  if (message.from !== "user" && ui.panel.hidden) {
    state.unread += 1;
  }
  saveState();
  renderMessage(message, true);
  showUnread();
  scrollToEnd();
}

function renderTranscript() {
  ui.log.textContent = "";
  renderGreeting();
  var messages = state.messages;
  for (var i = 0; i < messages.length; i += 1) {
    var message = messages[i];
    if (message && typeof message.text === "string") {
      renderMessage(message, i === messages.length - 1);
    }
  }
  scrollToEnd();
}

function sendMessage(text, shown) {
  if (typeof text !== "string" || !text.trim()) {
    return false;
  }
  if (text.length > MAX_LENGTH) {
    setStatus(labels.tooLong);
    return false;
  }
  setStatus("");
  addMessage({ from: "user", text: shown });
  outbox.push(text);
  setTyping(true);
  flushOutbox();
  return true;
}

function flushOutbox() {
  if (!socket || !sessionReady) {
    return;
  }
  while (outbox.length) {
    socket.emit("user_uttered", {
      message: outbox.shift(),
      session_id: state.session,
      metadata: { language: state.language || language.tag },
    });
  }
}

function onBotMessage(message) {
  if (!message || typeof message !== "object") {
    return;
  }
  setTyping(false);
  var replies = quickRepliesOf(message);
  if (typeof message.text !== "string" && !replies.length) {
    return; // attachments and custom payloads are not shown by this widget (yet)
  }
  var meta = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
  if (typeof meta.language === "string" && meta.language !== state.language) {
    switchLanguage(meta.language);
  }
  if (meta.sender === "agent") {
    // A person (an agent who took the conversation over) wrote this, not the bot.
    var name = typeof meta.agent_name === "string" ? meta.agent_name.slice(0, 80) : "";
    addMessage({ from: "agent", text: String(message.text || ""), author: name, replies: [] });
    return;
  }
  addMessage({ from: "bot", text: String(message.text || ""), replies: replies });
}

function onSessionConfirm(payload) {
  var id = typeof payload === "string" ? payload : payload && payload.session_id;
  if (typeof id !== "string" || !id) {
    return;
  }
  if (state.session && state.session !== id) {
    // The server did not recognise our session: the old transcript belongs to no one.
    state.messages = [];
    state.unread = 0;
    state.language = null;
    useLanguage(null);
    renderTranscript();
    showUnread();
  }
  state.session = id;
  saveState();
  sessionReady = true;
  ui.root.setAttribute("data-session-ready", "true");
  setStatus("");
  flushOutbox();
}

// ------------------------------------------------------------------ loading

function loadSocketIo(callback) {
  if (loadSocketIo.loaded) {
    callback(loadSocketIo.loaded);
    return;
  }
  var previous = window.io;
  var tag = document.createElement("script");
  tag.src = baseUrl + "/widget/socket.io.js";
  tag.async = true;
  tag.onload = function () {
    loadSocketIo.loaded = window.io;
    if (previous) {
      window.io = previous; // leave the host page's own socket.io client alone
    }
    callback(loadSocketIo.loaded);
  };
  tag.onerror = function () {
    setStatus(labels.connecting);
  };
  document.head.appendChild(tag);
}

function connect() {
  if (socket || connect.started) {
    return;
  }
  connect.started = true;
  setStatus(labels.connecting);
  loadSocketIo(function (io) {
    var origin = new URL(baseUrl).origin;
    // WebSocket first: a socket's packets then all reach the worker that holds it, even when
    // several Rasa workers share the port (HTTP long-polling would need sticky sessions);
    // long-polling stays the fallback where WebSockets are blocked.
    socket = io(origin, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
    });
    socket.on("connect", function () {
      sessionReady = false;
      socket.emit("session_request", {
        session_id: state.session,
        browser_key: state.browserKey,
      });
    });
    socket.on("session_confirm", onSessionConfirm);
    socket.on("bot_uttered", onBotMessage);
    // The message waits for a person who is not writing (yet): no typing dots.
    socket.on("held", function () {
      setTyping(false);
    });
    // The agent who holds the conversation is writing a reply.
    socket.on("agent_typing", function () {
      setTyping(true, AGENT_TYPING_MS);
    });
    socket.on("disconnect", function () {
      sessionReady = false;
      ui.root.removeAttribute("data-session-ready");
      setStatus(labels.connecting);
    });
  });
}

function loadStyles() {
  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = baseUrl + "/widget/widget.css";
  var reveal = function () {
    ui.root.style.visibility = "";
    scrollToEnd(); // the log scrolls only once styled: open at the latest message
  };
  link.onload = reveal;
  link.onerror = reveal;
  window.setTimeout(reveal, 3000);
  document.head.appendChild(link);
}

/** Choose the labels: the chat's language when known (``tag``), else the browser's. */
function useLanguage(tag) {
  var keys = Object.keys(labelsByLanguage);
  var key = tag ? labelSetFor(tag, keys) : null;
  language = key ? { key: key, tag: tag } : chooseLanguage(keys);
  labels = labelsByLanguage[language.key];
}

/** The chat turned out to be in ``tag``: every label follows, now and after a reload. */
function switchLanguage(tag) {
  if (!labelSetFor(tag, Object.keys(labelsByLanguage))) {
    return;
  }
  state.language = tag;
  saveState();
  useLanguage(tag);
  applyLabels();
  renderTranscript();
}

function applyLabels() {
  ui.root.setAttribute("lang", language.tag);
  ui.close.setAttribute("aria-label", labels.close);
  ui.log.setAttribute("aria-label", labels.log);
  ui.typing.setAttribute("aria-label", labels.typing);
  ui.input.setAttribute("placeholder", labels.placeholder);
  ui.input.setAttribute("aria-label", labels.placeholder);
  ui.send.textContent = labels.send;
  showUnread();
}

function start() {
  build();
  loadStyles();
  renderTranscript();
  showUnread();
  if (state.open) {
    setOpen(true);
  }
}

async function main() {
  if (window.ComplaintWidget || !script) {
    return; // already on this page, or not loaded by a <script> tag
  }
  window.ComplaintWidget = {
    open: function () {
      if (ui.panel) setOpen(true);
    },
    close: function () {
      if (ui.panel) setOpen(false);
    },
  };
  try {
    labelsByLanguage = await api("GET", baseUrl + "/widget/labels.json");
  } catch (error) {
    console.warn("complaint widget: no labels (" + error.message + ")");
    return;
  }
  useLanguage(state.language);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}

main();

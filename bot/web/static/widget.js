/*
 * Complaint bot website widget.
 *
 * Embed with one line:
 *   <script src="http://HOST:5005/widget/widget.js" data-title="Customer care"
 *           data-color="#0b5cad" async></script>
 *
 * Optional data attributes: data-title, data-color, data-lang (en, hr, sr, sr-Latn, bs;
 * default: the browser's language), data-ticket-prefix (default "C"),
 * data-socket-path (default "/socket.io").
 *
 * Talks Rasa's socket.io protocol (session_request/session_confirm, user_uttered/bot_uttered)
 * using the socket.io client the bot serves at /widget/socket.io.js. The session id and the
 * transcript are kept in localStorage, so a reload continues the same conversation. So is a
 * random browser key, sent with session_request, to which the server binds the session id.
 *
 * Everything shown comes from textContent / createTextNode: message text is never parsed as
 * HTML.
 */
(function () {
  "use strict";

  if (window.ComplaintWidget) {
    return; // already on this page
  }

  var MAX_LENGTH = 5000;
  var MAX_STORED_MESSAGES = 200;
  var TYPING_TIMEOUT_MS = 30000;

  var LABELS = {
    en: {
      open: "Open chat",
      close: "Close chat",
      placeholder: "Type your message…",
      person: "customer care (a person)",
      send: "Send",
      typing: "Typing…",
      log: "Conversation",
      replies: "Suggested replies",
      ticket: "Ticket number",
      connecting: "Connecting…",
      tooLong: "Your message is too long (at most 5,000 characters).",
    },
    hr: {
      open: "Otvori razgovor",
      close: "Zatvori razgovor",
      placeholder: "Napišite poruku…",
      person: "korisnička služba (osoba)",
      send: "Pošalji",
      typing: "Piše…",
      log: "Razgovor",
      replies: "Predloženi odgovori",
      ticket: "Broj prijave",
      connecting: "Povezivanje…",
      tooLong: "Poruka je preduga (najviše 5.000 znakova).",
    },
    "sr-Latn": {
      open: "Otvori razgovor",
      close: "Zatvori razgovor",
      placeholder: "Napišite poruku…",
      person: "korisnička služba (osoba)",
      send: "Pošalji",
      typing: "Kuca…",
      log: "Razgovor",
      replies: "Predloženi odgovori",
      ticket: "Broj prijave",
      connecting: "Povezivanje…",
      tooLong: "Poruka je predugačka (najviše 5.000 znakova).",
    },
    "sr-Cyrl": {
      open: "Отвори разговор",
      close: "Затвори разговор",
      placeholder: "Напишите поруку…",
      person: "корисничка служба (особа)",
      send: "Пошаљи",
      typing: "Куца…",
      log: "Разговор",
      replies: "Предложени одговори",
      ticket: "Број пријаве",
      connecting: "Повезивање…",
      tooLong: "Порука је предугачка (највише 5.000 знакова).",
    },
    bs: {
      open: "Otvori razgovor",
      close: "Zatvori razgovor",
      placeholder: "Napišite poruku…",
      person: "korisnička služba (osoba)",
      send: "Pošalji",
      typing: "Piše…",
      log: "Razgovor",
      replies: "Predloženi odgovori",
      ticket: "Broj prijave",
      connecting: "Povezivanje…",
      tooLong: "Poruka je preduga (najviše 5.000 znakova).",
    },
  };

  // ------------------------------------------------------------------ configuration

  function findOwnScript() {
    if (document.currentScript) {
      return document.currentScript;
    }
    var scripts = document.querySelectorAll('script[src*="/widget/widget.js"]');
    return scripts[scripts.length - 1] || null;
  }

  var script = findOwnScript();
  if (!script) {
    return;
  }
  var scriptUrl = new URL(script.src, window.location.href);
  var baseUrl = scriptUrl.href.replace(/\/widget\/widget\.js(?:[?#].*)?$/, "");
  var data = script.dataset || {};

  /** The label set for a language tag such as "hr-HR", "sr-Latn-RS" or "en-US". */
  function labelSetFor(tag) {
    if (typeof tag !== "string") {
      return null;
    }
    var lower = tag.toLowerCase();
    var primary = lower.split(/[-_]/)[0];
    if (primary === "sr") {
      return /latn/.test(lower) ? "sr-Latn" : "sr-Cyrl";
    }
    if (primary === "hr" || primary === "bs" || primary === "en") {
      return primary;
    }
    return null;
  }

  function chooseLanguage() {
    var wanted = [data.lang].concat(navigator.languages || [], [navigator.language]);
    for (var i = 0; i < wanted.length; i += 1) {
      var found = labelSetFor(wanted[i]);
      if (found) {
        return { key: found, tag: wanted[i] };
      }
    }
    return { key: "en", tag: "en" };
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

  var language = chooseLanguage();
  var labels = LABELS[language.key];
  var config = {
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
    var raw = null;
    try {
      raw = window.localStorage.getItem(storageKey);
    } catch (error) {
      raw = memoryStore[storageKey] || null;
    }
    var state = null;
    try {
      state = raw ? JSON.parse(raw) : null;
    } catch (error) {
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
    } catch (error) {
      memoryStore[storageKey] = raw;
    }
  }

  // ------------------------------------------------------------------ DOM helpers

  function el(tag, className, attributes) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute(
      "d",
      "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"
    );
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
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
      var mark = el("mark", "cbw-ticket", { title: labels.ticket });
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
    var root = el("div", "cbw-root", { "data-complaint-widget": "" });
    root.style.setProperty("--cbw-color", config.color);
    root.style.visibility = "hidden"; // until widget.css has loaded
    root.setAttribute("lang", language.tag);

    var panelId = "cbw-panel-" + Math.random().toString(36).slice(2, 10);
    var bubble = el("button", "cbw-bubble", {
      type: "button",
      "aria-label": labels.open,
      "aria-expanded": "false",
      "aria-controls": panelId,
    });
    bubble.appendChild(chatIcon());

    var panel = el("section", "cbw-panel", {
      id: panelId,
      role: "dialog",
      "aria-label": config.title,
    });
    panel.hidden = true;

    var header = el("header", "cbw-header");
    var title = el("h2", "cbw-title");
    title.textContent = config.title;
    var close = el("button", "cbw-close", { type: "button", "aria-label": labels.close });
    close.textContent = "×";
    header.appendChild(title);
    header.appendChild(close);

    var log = el("div", "cbw-log", {
      role: "log",
      "aria-live": "polite",
      "aria-label": labels.log,
      tabindex: "0",
    });

    var typing = el("div", "cbw-typing", { role: "status", "aria-label": labels.typing });
    typing.hidden = true;
    for (var i = 0; i < 3; i += 1) {
      typing.appendChild(el("span", "cbw-dot", { "aria-hidden": "true" }));
    }

    var status = el("div", "cbw-status", { role: "status" });
    status.hidden = true;

    var form = el("form", "cbw-form");
    var input = el("input", "cbw-input", {
      type: "text",
      autocomplete: "off",
      maxlength: String(MAX_LENGTH),
      placeholder: labels.placeholder,
      "aria-label": labels.placeholder,
    });
    var send = el("button", "cbw-send", { type: "submit" });
    send.textContent = labels.send;
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
    ui.bubble.setAttribute("aria-label", open ? labels.close : labels.open);
    state.open = open;
    saveState();
    if (open) {
      connect();
      scrollToEnd();
      ui.input.focus();
    }
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function setTyping(visible) {
    ui.typing.hidden = !visible;
    window.clearTimeout(typingTimer);
    if (visible) {
      typingTimer = window.setTimeout(function () {
        ui.typing.hidden = true;
      }, TYPING_TIMEOUT_MS);
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
    var group = el("div", "cbw-replies", { role: "group", "aria-label": labels.replies });
    replies.forEach(function (reply) {
      var button = el("button", "cbw-reply", { type: "button" });
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

  function renderMessage(message, isLatest) {
    var from = message.from === "agent" || message.from === "user" ? message.from : "bot";
    var row = el("div", "cbw-message cbw-" + from);
    if (from === "agent") {
      var author = el("div", "cbw-author");
      appendText(author, (message.author ? message.author + " · " : "") + labels.person);
      row.appendChild(author);
    }
    var bubble = el("div", "cbw-text");
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
    saveState();
    renderMessage(message, true);
    scrollToEnd();
  }

  function renderTranscript() {
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
        metadata: { language: language.tag },
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
      ui.log.textContent = "";
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
    };
    link.onload = reveal;
    link.onerror = reveal;
    window.setTimeout(reveal, 3000);
    document.head.appendChild(link);
  }

  function start() {
    build();
    loadStyles();
    renderTranscript();
    if (state.open) {
      setOpen(true);
    }
  }

  window.ComplaintWidget = {
    open: function () {
      setOpen(true);
    },
    close: function () {
      setOpen(false);
    },
  };

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();

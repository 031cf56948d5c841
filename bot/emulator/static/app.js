// The web chat: plain JavaScript, no dependencies. Texts come from /api/state (labels).
"use strict";

const S = {
  labels: {},
  personas: [],
  current: null,
  chats: new Map(), // uid -> {messages: Map(id -> msg), notices: [], replyKeyboard, commands, unread}
  timezone: undefined, // the bot's, for message times
  actionTimer: null,
};

const $ = (id) => document.getElementById(id);
const L = (key) => S.labels[key] || key;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  if (!response.ok) {
    const text = await response.text();
    throw new Error(text || response.statusText);
  }
  return response.json();
}

// ---------------------------------------------------------------- formatting
const SAFE_URL = /^(https?:|tg:|mailto:)/i;

function entityNode(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const node = el("span", "spoiler");
      node.addEventListener("click", () => node.classList.add("shown"));
      return node;
    }
    case "text_link":
    case "url": {
      const href = entity.type === "url" ? text : entity.url;
      if (!href || !SAFE_URL.test(href)) return el("span");
      const a = el("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    case "bot_command": {
      const node = el("span", "cmd");
      node.addEventListener("click", () => sendText(text.split("@")[0]));
      return node;
    }
    default: return el("span");
  }
}

// Telegram entities (UTF-16 offsets, which are JavaScript's string indexes) to DOM nodes.
function formatInto(parent, text, entities) {
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(parent, text, 0, text.length, sorted);
}

function build(parent, text, start, end, entities) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const e = entities[i];
    const eStart = Math.max(e.offset, pos);
    const eEnd = Math.min(e.offset + e.length, end);
    if (eStart > pos) parent.append(text.slice(pos, eStart));
    const inner = [];
    let j = i + 1;
    while (j < entities.length && entities[j].offset < e.offset + e.length) {
      inner.push(entities[j]);
      j++;
    }
    if (eEnd > eStart) {
      const node = entityNode(e, text.slice(e.offset, e.offset + e.length));
      build(node, text, eStart, eEnd, inner);
      parent.append(node);
      pos = eEnd;
    }
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

// ---------------------------------------------------------------- personas
function chatOf(uid) {
  if (!S.chats.has(uid)) {
    S.chats.set(uid, {messages: new Map(), notices: [], replyKeyboard: null, commands: [], unread: 0, menuButton: null});
  }
  return S.chats.get(uid);
}

function renderPersonas() {
  const list = $("personas");
  list.replaceChildren();
  S.personas.forEach((p, k) => {
    const li = el("li");
    const button = el("button", "persona" + (p.id === S.current ? " active" : ""));
    button.type = "button";
    button.dataset.persona = String(p.id);
    button.title = p.description;
    button.append(el("div", `avatar c${k % 5}`, p.initials));
    const body = el("div", "p-body");
    body.append(el("div", "p-name", p.name), el("div", "p-first", p.name.split(" ")[0]),
      el("div", "p-title", p.title),
      el("div", "p-preview", preview(p.id)));
    button.append(body, el("span", "badge", chatOf(p.id).unread ? String(chatOf(p.id).unread) : ""));
    button.addEventListener("click", () => selectPersona(p.id));
    li.append(button);
    list.append(li);
  });
}

function preview(uid) {
  const messages = [...chatOf(uid).messages.values()];
  const last = messages[messages.length - 1];
  if (!last) return "";
  if (last.poll) return "📊 " + last.poll.question;
  if (last.document) return "📄 " + last.document.name;
  if (last.photo && !last.text) return "🖼";
  return last.text.split("\n")[0];
}

async function selectPersona(uid) {
  S.current = uid;
  history.replaceState(null, "", "#" + uid);
  const chat = chatOf(uid);
  chat.unread = 0;
  const persona = S.personas.find((p) => p.id === uid);
  $("me").textContent = persona ? `${persona.name}\n${persona.title}` : "";
  renderPersonas();
  await loadChat(uid);
  renderChat();
  $("input").focus();
}

async function loadChat(uid) {
  const data = await api(`/api/chats/${uid}`);
  const chat = chatOf(uid);
  chat.messages = new Map(data.messages.map((m) => [m.id, m]));
  chat.notices = data.notices || [];
  chat.replyKeyboard = data.reply_keyboard;
  chat.commands = data.commands || [];
  chat.menuButton = data.menu_button || null;
  if (uid === S.current) setAction(data.action);
}

// ---------------------------------------------------------------- the chat
function renderChat() {
  const box = $("messages");
  box.replaceChildren();
  const chat = chatOf(S.current);
  const items = [...chat.messages.values()].map((m) => ({ts: m.date, id: m.id, node: () => messageNode(m)}));
  chat.notices.forEach((n) => items.push({ts: n.ts, id: Infinity, node: () => noticeNode(n)}));
  items.sort((a, b) => a.ts - b.ts || a.id - b.id);
  if (!items.length) box.append(el("div", "empty", L("empty")));
  const fragment = document.createDocumentFragment();
  items.forEach((item) => fragment.append(item.node()));
  box.append(fragment);
  renderReplyKeyboard();
  renderCommands();
  box.scrollTop = box.scrollHeight;
}

function upsertMessage(uid, message, replyKeyboard) {
  const began = performance.now();
  const chat = chatOf(uid);
  const isNew = !chat.messages.has(message.id);
  if (message.deleted) chat.messages.delete(message.id);
  else chat.messages.set(message.id, message);
  if (replyKeyboard !== undefined) chat.replyKeyboard = replyKeyboard;
  if (uid !== S.current) {
    if (isNew && message.from_bot) chat.unread++;
    renderPersonas();
    return;
  }
  const box = $("messages");
  const old = document.getElementById("m-" + message.id);
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  if (message.deleted) {
    if (old) old.remove();
  } else if (old) {
    old.replaceWith(messageNode(message));
  } else {
    const empty = box.querySelector(".empty");
    if (empty) empty.remove();
    box.append(messageNode(message));
  }
  if (replyKeyboard !== undefined) renderReplyKeyboard();
  if (isNew && (nearBottom || !message.from_bot)) box.scrollTop = box.scrollHeight;
  renderPersonas();
  // How long the page took to show it, layout included (read by the browser tests).
  requestAnimationFrame(() => {
    document.body.dataset.renderMs = (performance.now() - began).toFixed(1);
  });
}

function messageNode(m) {
  const wrap = el("div", "msg " + (m.from_bot ? "bot" : "me"));
  wrap.id = "m-" + m.id;
  wrap.dataset.id = String(m.id);
  const bubble = el("div", "bubble");
  if (m.photo) {
    const img = el("img", "photo");
    img.src = m.photo;
    img.alt = "";
    img.loading = "lazy";
    bubble.append(img);
  }
  if (m.document) bubble.append(documentNode(m.document));
  if (m.poll) bubble.append(pollNode(m));
  if (m.contact) bubble.append(el("div", "contact", "📞 " + m.contact.phone_number));
  if (m.sticker) bubble.append(el("div", "sticker", m.sticker));
  if (m.text) {
    const text = el("div", "text");
    formatInto(text, m.text, m.entities);
    bubble.append(text);
  }
  const time = new Date(m.date * 1000).toLocaleTimeString("id-ID", {
    hour: "2-digit", minute: "2-digit", timeZone: S.timezone,
  });
  bubble.append(el("span", "meta", (m.edited ? L("edited") + " " : "") + time));
  wrap.append(bubble);
  if (m.inline_keyboard) wrap.append(inlineKeyboard(m));
  return wrap;
}

function documentNode(doc) {
  const a = el("a", "doc");
  a.href = doc.url;
  a.target = "_blank";
  a.rel = "noopener";
  if (!doc.inline) a.download = doc.name;
  const ext = (doc.name.split(".").pop() || "").slice(0, 4).toUpperCase();
  const info = el("div");
  info.append(el("div", "doc-name", doc.name),
    el("div", "doc-size", `${formatSize(doc.size)} · ${doc.inline ? L("open_file") : L("download")}`));
  a.append(el("div", "doc-icon", ext), info);
  return a;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function inlineKeyboard(m) {
  const box = el("div", "inline-kb");
  m.inline_keyboard.forEach((row) => {
    const line = el("div", "row");
    row.forEach((b) => {
      const button = el("button", b.url ? "url" : "", b.text);
      button.type = "button";
      button.title = b.text;
      if (b.callback_data !== undefined) {
        button.dataset.callback = b.callback_data;
        button.addEventListener("click", () => press(m.id, b.callback_data));
      } else if (b.web_app) {  // a Mini App: opened in the panel, signed for this persona
        button.className = "web-app";
        button.dataset.webApp = "1";
        button.addEventListener("click", () => openWebApp({message_id: m.id, text: b.text}, b.text));
      } else if (b.url && SAFE_URL.test(b.url)) {
        button.addEventListener("click", () => window.open(b.url, "_blank", "noopener"));
      } else {
        button.disabled = true;
      }
      line.append(button);
    });
    box.append(line);
  });
  return box;
}

function pollNode(m) {
  const p = m.poll;
  const box = el("div", "poll");
  box.dataset.poll = p.id;
  if (p.description) {
    const d = el("div", "poll-description");
    formatInto(d, p.description, p.description_entities);
    box.append(d);
  }
  const q = el("div", "poll-question");
  formatInto(q, p.question, p.question_entities);
  box.append(el("div", "poll-kind", p.type === "quiz" ? L("quiz") : L("poll")), q);
  const voted = Array.isArray(p.my_vote) && p.my_vote.length > 0;
  const total = p.counts.reduce((a, b) => a + b, 0) || 1;
  p.options.forEach((text, k) => {
    const option = el("button", "poll-option");
    option.type = "button";
    option.dataset.index = String(k);
    const bar = el("span", "bar");
    const label = el("span", "label", text);
    option.append(bar, label);
    if (voted) {
      bar.style.width = `${Math.round((100 * p.counts[k]) / total)}%`;
      const isCorrect = p.type === "quiz" && p.correct.includes(k);
      const mine = p.my_vote.includes(k);
      if (isCorrect) option.classList.add("correct");
      if (mine && p.type === "quiz" && !isCorrect) option.classList.add("wrong");
      const mark = isCorrect ? "✓" : mine ? (p.type === "quiz" ? "✗" : "•") : "";
      if (mark) option.prepend(el("span", "mark", mark));
      option.disabled = true;
    } else if (p.closed || p.anonymous) {
      option.disabled = true;
    } else {
      option.addEventListener("click", () => vote(p.id, [k]));
    }
    box.append(option);
  });
  if (voted && p.type === "quiz") {
    const right = p.my_vote.every((k) => p.correct.includes(k));
    box.append(el("div", "poll-result " + (right ? "ok" : "bad"), right ? L("correct") : L("wrong")));
    if (p.explanation) {
      const e = el("div", "poll-explanation");
      e.append("💡 ");
      formatInto(e, p.explanation, p.explanation_entities);
      box.append(e);
    }
  }
  return box;
}

function noticeNode(n) {
  const wrap = el("div", "msg notice");
  const bubble = el("div", "bubble");
  const title = n.error_code === null ? n.method : `${L("notice")} · ${n.method} → ${n.error_code}`;
  bubble.append(el("strong", null, title), el("br"), n.description);
  wrap.append(bubble);
  return wrap;
}

function renderReplyKeyboard() {
  const box = $("reply-keyboard");
  box.replaceChildren();
  const keyboard = chatOf(S.current).replyKeyboard;
  if (!keyboard || !keyboard.keyboard) {
    box.hidden = true;
    return;
  }
  keyboard.keyboard.forEach((row) => {
    const line = el("div", "row");
    row.forEach((b) => {
      const text = typeof b === "string" ? b : b.text;
      const button = el("button", b.request_contact ? "contact" : "", text);
      button.type = "button";
      button.addEventListener("click", () => (b.request_contact ? shareContact() : sendText(text)));
      line.append(button);
    });
    box.append(line);
  });
  box.hidden = false;
}

function renderCommands() {
  const menu = $("command-menu");
  menu.replaceChildren();
  chatOf(S.current).commands.forEach((c) => {
    const button = el("button");
    button.type = "button";
    button.dataset.command = c.command;
    button.append(el("span", "c-name", "/" + c.command), el("span", "c-desc", c.description));
    button.addEventListener("click", () => {
      menu.hidden = true;
      sendText("/" + c.command);
    });
    menu.append(button);
  });
  $("menu-button").hidden = !chatOf(S.current).commands.length;
  const app = chatOf(S.current).menuButton;
  $("app-button").hidden = !app;
  $("app-button").textContent = app ? app.text : "";
}

// ---------------------------------------------------------------- Mini Apps
// The app opens beside the chat (over it on a phone), as Telegram opens it: the URL the bot
// gave, with the persona's signed initData and a theme in its fragment.
async function openWebApp(body, title) {
  const opened = await guarded(api(`/api/chats/${S.current}/web_app`, body));
  if (!opened) return;
  $("web-app-title").textContent = title;
  $("web-app-frame").src = opened.url;
  $("web-app").hidden = false;
  document.body.dataset.webApp = "open";
}

function closeWebApp() {
  $("web-app").hidden = true;
  $("web-app-frame").src = "about:blank";
  delete document.body.dataset.webApp;
}

function setAction(action) {
  const status = $("status");
  clearTimeout(S.actionTimer);
  if (action) {
    status.textContent = L("action_" + action);
    status.classList.add("action");
    S.actionTimer = setTimeout(() => setAction(null), 5000);
  } else {
    status.textContent = L("bot_status");
    status.classList.remove("action");
  }
}

let toastTimer = null;
function toast(text, alert) {
  const box = $("toast");
  box.textContent = text;
  box.className = alert ? "alert" : "";
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), alert ? 5000 : 2500);
}

// ---------------------------------------------------------------- actions
async function guarded(promise) {
  try {
    return await promise;
  } catch (error) {
    toast(error.message, false);
    return null;
  }
}

async function sendText(text) {
  if (!text.trim()) return;
  await guarded(api(`/api/chats/${S.current}/send`, {text}));
}

async function press(messageId, data) {
  await guarded(api(`/api/chats/${S.current}/press`, {message_id: messageId, data}));
}

async function vote(pollId, optionIds) {
  await guarded(api(`/api/chats/${S.current}/vote`, {poll_id: pollId, option_ids: optionIds}));
}

async function shareContact() {
  await guarded(api(`/api/chats/${S.current}/contact`, {}));
}

async function moveClock(body) {
  const result = await guarded(api("/api/clock", body));
  if (result) showClock(result.now);
}

// "Selasa, 1 Desember 2026 19:30": the date and the time apart (a phone shows the time only)
function showClock(text) {
  const cut = text.lastIndexOf(" ");
  $("clock-now").replaceChildren(el("span", "c-date", text.slice(0, cut + 1)),
    el("span", "c-time", text.slice(cut + 1)));
}

// ---------------------------------------------------------------- events
function onEvent(event) {
  switch (event.type) {
    case "message":
      upsertMessage(event.chat, event.message, event.reply_keyboard);
      if (event.chat === S.current && event.message.from_bot) setAction(null);
      break;
    case "action":
      if (event.chat === S.current) setAction(event.action);
      break;
    case "toast":
      if (event.chat === S.current) toast(event.text, event.alert);
      break;
    case "commands":
      chatOf(event.chat).commands = event.commands;
      if (event.chat === S.current) renderCommands();
      break;
    case "notice": {
      const uid = event.chat === null ? S.current : event.chat;
      chatOf(uid).notices.push(event);
      if (uid === S.current) {
        $("messages").append(noticeNode(event));
        $("messages").scrollTop = $("messages").scrollHeight;
      }
      break;
    }
    case "clock":
      showClock(event.now);
      break;
    case "menu_button":
      chatOf(event.chat).menuButton = event.menu_button;
      if (event.chat === S.current) renderCommands();
      break;
  }
}

function connect() {
  const source = new EventSource("/api/events");
  let lost = false;
  source.onmessage = (e) => onEvent(JSON.parse(e.data));
  source.onerror = () => {
    lost = true;
    $("notices-bar").textContent = L("disconnected");
    $("notices-bar").hidden = false;
  };
  source.onopen = async () => {
    $("notices-bar").hidden = true;
    document.body.dataset.connected = "1";
    if (lost && S.current !== null) {
      await loadChat(S.current);
      renderChat();
    }
  };
}

// ---------------------------------------------------------------- start
async function start() {
  const state = await api("/api/state");
  S.labels = state.labels || {};
  S.timezone = state.timezone || undefined;
  S.personas = state.personas;
  document.title = L("title");
  $("sidebar-title").textContent = L("pick_persona");
  $("bot-name").textContent = state.bot.first_name;
  $("input").placeholder = L("placeholder");
  $("menu-button").textContent = L("menu");
  $("clock-title").textContent = L("clock_title");
  $("clock-hour").replaceChildren(el("span", "long", L("clock_hour")),
    el("span", "short", L("clock_hour_short")));
  $("clock-day").replaceChildren(el("span", "long", L("clock_day")),
    el("span", "short", L("clock_day_short")));
  $("clock-to").textContent = L("clock_to");
  showClock(state.clock.now);
  $("clock").hidden = !state.clock.enabled;
  setAction(null);
  S.personas.forEach((p) => chatOf(p.id));
  await Promise.all(S.personas.map((p) => loadChat(p.id)));
  connect();
  $("send").addEventListener("click", submit);
  $("input").addEventListener("keydown", (e) => {
    if (e.key === "Enter") submit();
  });
  $("menu-button").addEventListener("click", () => ($("command-menu").hidden = !$("command-menu").hidden));
  $("clock-hour").addEventListener("click", () => moveClock({hours: 1}));
  $("clock-day").addEventListener("click", () => moveClock({days: 1}));
  $("clock-to").addEventListener("click", () => moveClock({to: $("clock-time").value}));
  $("app-button").addEventListener("click", () => openWebApp({menu: true}, $("app-button").textContent));
  $("web-app-close").textContent = L("close_app");
  $("web-app-close").addEventListener("click", closeWebApp);
  if (state.clock.enabled) {  // the clock runs on between moves
    setInterval(async () => showClock((await api("/api/state")).clock.now), 30000);
  }
  const wanted = Number(location.hash.slice(1));
  const first = S.personas.find((p) => p.id === wanted) || S.personas[0];
  if (first) await selectPersona(first.id);
  document.body.dataset.ready = "1";
}

async function submit() {
  const input = $("input");
  const text = input.value;
  input.value = "";
  await sendText(text);
}

start();

// Sinau Bareng dashboard: plain JavaScript, no library. Every text shown comes from the server
// (the JSON block "labels", from bot/texts/webapp.py) or from the API; everything is put on the
// page with textContent, never as HTML. No id, NIP or name goes into a URL: the signed initData
// and the parameters travel in the body of POST requests.
"use strict";

(function () {
  const DATA = JSON.parse(document.getElementById("labels").textContent);
  const L = DATA.labels;
  const STATES = DATA.states;
  const MONTHS = L.months.split(" ");
  const tg = window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;

  // initData and themeParams: from Telegram's script when it is there, else from the URL
  // fragment, where Telegram puts them for every Mini App (tgWebAppData, tgWebAppThemeParams).
  const fragment = new URLSearchParams(location.hash.slice(1));
  const initData = (tg && tg.initData) || fragment.get("tgWebAppData") || "";
  let theme = (tg && tg.themeParams) || {};
  if (!Object.keys(theme).length && fragment.get("tgWebAppThemeParams")) {
    try { theme = JSON.parse(fragment.get("tgWebAppThemeParams")); } catch (e) { theme = {}; }
  }
  // The fragment is not needed any more: keep the signed string out of the address bar.
  if (location.hash) history.replaceState(null, "", location.pathname);

  function applyTheme(p) {
    const map = {
      bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
      button_color: "--button", button_text_color: "--button-text",
      secondary_bg_color: "--card",
    };
    for (const key in map) {
      if (typeof p[key] === "string" && /^#[0-9a-fA-F]{3,8}$/.test(p[key])) {
        document.documentElement.style.setProperty(map[key], p[key]);
      }
    }
  }
  applyTheme(theme);
  if (tg) {
    try { tg.ready(); tg.expand(); } catch (e) { /* an older client */ }
    if (tg.onEvent) tg.onEvent("themeChanged", function () { applyTheme(tg.themeParams || {}); });
  }

  const view = document.getElementById("view");
  const heading = document.getElementById("heading");
  const back = document.getElementById("back");
  back.textContent = L.back;
  let me = null;
  const stack = [];

  // --- helpers ----------------------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const key in attrs || {}) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "cls") node.className = attrs[key];
      else if (key === "on") for (const ev in attrs.on) node.addEventListener(ev, attrs.on[ev]);
      else node.setAttribute(key, attrs[key]);
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function jp(minutes) {
    const value = Math.round((minutes / me.minutes_per_jp) * 100) / 100;
    return value.toLocaleString("id-ID", { maximumFractionDigits: 2 }) + " JP";
  }
  function percent(share) {
    return (share * 100).toLocaleString("id-ID", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + "%";
  }
  function card(label, value) {
    return el("div", { cls: "card" }, [el("div", { cls: "k", text: label }), el("div", { cls: "v", text: value })]);
  }
  function bar(share) {
    const inner = el("span");
    inner.style.width = Math.max(0, Math.min(100, share * 100)) + "%";
    return el("div", { cls: "bar" }, [inner]);
  }
  function date(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return d + " " + MONTHS[m - 1] + " " + y;
  }

  async function call(name, params) {
    const response = await fetch("api/" + name, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ init_data: initData }, params || {})),
      credentials: "omit",
      cache: "no-store",
    });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = (body && body.message) || DATA.errors.unavailable;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // A file (a certificate in the queue): the same signed POST, the answer as a Blob.
  async function fetchFile(name, params) {
    const response = await fetch("api/" + name, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ init_data: initData }, params || {})),
      credentials: "omit",
      cache: "no-store",
    });
    if (!response.ok) {
      let body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      const error = new Error((body && body.message) || DATA.errors.unavailable);
      error.status = response.status;
      throw error;
    }
    return response.blob();
  }

  // "Send to my chat": the bot sends the file as a document; the page only says it is coming.
  function exportsBlock(opd, kinds) {
    const status = el("p", { cls: "note", role: "status", id: "export-status" });
    const buttons = kinds.map(function (kind) {
      const button = el("button", { type: "button", cls: "secondary export", "data-kind": kind, text: L["export_" + kind],
        on: { click: async function () {
          button.disabled = true;
          try {
            const answer = await call("export", { kind: kind, opd: opd, year: me.year });
            status.textContent = answer.message;
          } catch (error) {
            status.textContent = error.message;
          } finally {
            button.disabled = false;
          }
        } } });
      return button;
    });
    return el("section", { id: "exports" }, [el("h2", { text: L.exports }), el("div", { cls: "tools" }, buttons), status]);
  }

  function showError(error, retry) {
    view.replaceChildren(
      el("div", { cls: "error", role: "alert", "data-status": String(error.status || 0) }, [
        el("p", { text: error.message }),
        retry && error.status !== 401 && error.status !== 403
          ? el("button", { cls: "primary", type: "button", text: L.retry, on: { click: retry } })
          : null,
      ]),
    );
  }

  // --- navigation ---------------------------------------------------------------------------
  function go(render, title) {
    stack.push({ render: render, title: title });
    show();
  }
  function goBack() {
    if (stack.length > 1) { stack.pop(); show(); }
  }
  async function show() {
    const top = stack[stack.length - 1];
    heading.textContent = top.title;
    const canGoBack = stack.length > 1;
    back.hidden = !canGoBack;
    if (tg && tg.BackButton) { try { canGoBack ? tg.BackButton.show() : tg.BackButton.hide(); } catch (e) { /* old client */ } }
    view.replaceChildren(el("p", { cls: "note", text: L.loading }));
    window.scrollTo(0, 0);
    try {
      await top.render();
    } catch (error) {
      showError(error, show);
    }
  }
  back.addEventListener("click", goBack);
  if (tg && tg.BackButton && tg.BackButton.onClick) tg.BackButton.onClick(goBack);

  // --- province -----------------------------------------------------------------------------
  async function province() {
    const data = await call("province", { year: me.year });
    const rows = data.agencies;
    const total = rows.reduce(function (a, r) { return a + r.employees; }, 0);
    const reached = rows.reduce(function (a, r) { return a + r.at_target; }, 0);
    const minutes = rows.reduce(function (a, r) { return a + r.minutes; }, 0);
    const buckets = new Array(10).fill(0);
    for (const r of rows) buckets[Math.min(9, Math.floor(r.share * 10))] += 1;
    const most = Math.max(1, Math.max.apply(null, buckets));
    const histogram = el("div", { cls: "histogram", id: "distribution" }, buckets.map(function (n) {
      const column = el("div", { title: String(n) }, [el("b", { text: n ? String(n) : "" })]);
      column.style.height = (n / most) * 100 + "%";
      return column;
    }));
    const axis = el("div", { cls: "axis" }, buckets.map(function (n, i) { return el("span", { text: i * 10 + "" }); }));

    const columns = [
      ["name", L.col_opd, ""], ["employees", L.col_employees, "wide"],
      ["registered", L.col_registered, "wide"], ["verified", L.col_verified, "wide"],
      ["at_target", L.col_at_target, "wide"], ["share", L.col_share, ""],
      ["compliance", L.col_compliance, ""], ["minutes", L.col_jp, ""],
    ];
    let sortKey = "share";
    let ascending = false;
    let needle = "";
    const tbody = el("tbody");
    const heads = columns.map(function (c) {
      return el("th", { "data-key": c[0], cls: c[2], text: c[1], on: { click: function () {
        if (sortKey === c[0]) ascending = !ascending; else { sortKey = c[0]; ascending = c[0] === "name"; }
        draw();
      } } });
    });
    function draw() {
      for (const th of heads) {
        th.classList.toggle("sorted", th.dataset.key === sortKey);
        th.classList.toggle("asc", th.dataset.key === sortKey && ascending);
      }
      const shown = rows.filter(function (r) { return !needle || r.name.toLowerCase().includes(needle); });
      shown.sort(function (a, b) {
        const x = a[sortKey] === null ? -1 : a[sortKey], y = b[sortKey] === null ? -1 : b[sortKey];
        const order = typeof x === "string" ? x.localeCompare(y, "id") : x - y;
        return ascending ? order : -order;
      });
      tbody.replaceChildren.apply(tbody, shown.map(function (r) {
        return el("tr", { cls: "link", "data-opd": r.opd, on: { click: function () { go(function () { return agency(r.opd); }, r.name); } } }, [
          el("td", { text: r.name }), el("td", { cls: "wide", text: String(r.employees) }),
          el("td", { cls: "wide", text: String(r.registered) }), el("td", { cls: "wide", text: String(r.verified) }),
          el("td", { cls: "wide", text: String(r.at_target) }), el("td", { text: percent(r.share) }),
          el("td", { title: r.assigned ? fill(L.compliance_of, { done: r.assigned_done, members: r.assigned, overdue: r.overdue }) : L.no_assignments,
            text: r.compliance === null ? "–" : percent(r.compliance) }),
          el("td", { text: jp(r.minutes) }),
        ]);
      }));
    }
    const search = el("input", { type: "search", id: "search", placeholder: L.search_opd, "aria-label": L.search_opd,
      on: { input: function (e) { needle = e.target.value.trim().toLowerCase(); draw(); } } });
    draw();
    view.replaceChildren.apply(view, [
      el("div", { cls: "cards" }, [
        card(L.summary_employees, total.toLocaleString("id-ID")),
        card(L.summary_at_target, reached.toLocaleString("id-ID")),
        card(L.col_share, percent(total ? reached / total : 0)),
        card(L.summary_jp, jp(minutes)),
      ]),
      el("p", { cls: "note", id: "as-of", text: fill(L.as_of, { time: new Date(data.as_of).toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: me.timezone }) }) }),
      el("h2", { text: L.distribution }), histogram, axis,
      el("h2", { text: fill(L.trend, { year: data.year }) }), monthChart(data.months, "trend"),
      data.assignments.members
        ? el("p", { cls: "note", id: "assignments-total", text: fill(L.compliance_total, {
          share: percent(data.assignments.share), done: data.assignments.completed.toLocaleString("id-ID"),
          members: data.assignments.members.toLocaleString("id-ID"), overdue: data.assignments.overdue.toLocaleString("id-ID") }) })
        : null,
      el("div", { cls: "tools" }, [search, queueButton()]),
      el("div", { cls: "scroll" }, [el("table", { id: "agencies" }, [el("thead", {}, [el("tr", {}, heads)]), tbody])]),
      exportsBlock(null, ["recap", "siasn"]),
    ].filter(Boolean));
  }

  // --- agency ---------------------------------------------------------------------------------
  async function agency(opd) {
    let query = "";
    let state = "";
    let offset = 0;
    const list = el("ul", { cls: "rows", id: "employees" });
    const counter = el("p", { cls: "note", id: "counter" });
    const more = el("button", { type: "button", cls: "primary", text: L.more, hidden: "", on: { click: function () { load(false); } } });
    let first = null;
    let timer = null;

    async function load(reset) {
      if (reset) { offset = 0; }
      const data = await call("agency", { opd: opd, year: me.year, q: query, state: state || null, offset: offset, limit: 50 });
      if (first === null) first = data;
      const items = data.employees.map(function (p) {
        return el("li", { cls: "link", on: { click: function () { go(function () { return employee(p.nip); }, p.name); } } }, [
          el("div", { cls: "main" }, [el("div", { text: p.name }), el("div", { cls: "sub", text: (p.nip || "") + " · " + p.kind }),
            p.overdue && p.overdue.length ? el("div", { cls: "sub overdue", text: fill(L.overdue_list, { titles: p.overdue.join(", ") }) }) : null]),
          el("span", { cls: "num", text: jp(p.minutes) }),
          el("span", { cls: "badge " + p.state, text: STATES[p.state] }),
        ]);
      });
      if (reset) list.replaceChildren.apply(list, items); else items.forEach(function (i) { list.appendChild(i); });
      offset += data.employees.length;
      counter.textContent = fill(L.shown_of, { shown: offset, total: data.matched });
      if (offset < data.matched) more.removeAttribute("hidden"); else more.setAttribute("hidden", "");
      return data;
    }
    function reload() {
      clearTimeout(timer);
      timer = setTimeout(function () { load(true).catch(function (e) { showError(e, show); }); }, 250);
    }
    const data = await load(true);
    const recap = data.recap || { employees: 0, at_target: 0, share: 0, minutes: 0 };
    const select = el("select", { id: "state", "aria-label": L.col_status, on: { change: function (e) { state = e.target.value; reload(); } } },
      [el("option", { value: "", text: L.all_statuses })].concat(Object.keys(STATES).map(function (k) {
        return el("option", { value: k, text: STATES[k] + " (" + data.states[k] + ")" });
      })));
    const search = el("input", { type: "search", id: "search", placeholder: L.search_employee, "aria-label": L.search_employee,
      on: { input: function (e) { query = e.target.value; reload(); } } });
    const missed = data.missed.length
      ? el("ol", { cls: "rows" }, data.missed.map(function (m) {
        return el("li", {}, [el("div", { cls: "main" }, [el("div", { text: m.question }), el("div", { cls: "sub", text: m.module })]),
          el("span", { cls: "num", text: m.misses + "/" + m.answers })]);
      }))
      : el("p", { cls: "note", text: L.missed_none });
    view.replaceChildren.apply(view, [
      el("div", { cls: "cards" }, [
        card(L.summary_employees, String(recap.employees)),
        card(L.summary_at_target, String(recap.at_target)),
        card(L.col_share, percent(recap.share)),
        card(L.summary_jp, jp(recap.minutes)),
      ]),
      el("div", { cls: "tools" }, [search, select]),
      me.role === "opd_admin" ? el("div", { cls: "tools" }, [queueButton()]) : null,
      counter, list, more,
      el("h2", { text: L.assignments }), compliance(data.assignments),
      el("h2", { text: L.missed }), missed,
      exportsBlock(opd, ["xlsx", "csv", "siasn"]),
    ].filter(Boolean));
  }

  // An agency's required learning: completed of assigned, and how many are overdue.
  function compliance(items) {
    if (!items.length) return el("p", { cls: "note", text: L.no_assignments });
    return el("ul", { cls: "rows", id: "compliance" }, items.map(function (a) {
      return el("li", {}, [
        el("div", { cls: "main" }, [
          el("div", { text: a.title }),
          el("div", { cls: "sub", text: fill(L.compliance_of, { done: a.completed, members: a.members, overdue: a.overdue }) }),
          bar(a.share || 0),
        ]),
        el("span", { cls: "num", text: a.share === null ? "–" : percent(a.share) }),
      ]);
    }));
  }

  // --- the queue: approve or reject outside-training reports -----------------------------------------
  function queueButton() {
    return el("button", { type: "button", cls: "primary", id: "open-queue", text: L.queue,
      on: { click: function () { go(queue, L.queue); } } });
  }
  // One item to decide: approve, or refuse with a reason typed beside it.
  function decision(attrs, lines, calls) {
    const status = el("p", { cls: "note", role: "status" });
    const reason = el("input", { type: "text", placeholder: L.reject_reason, "aria-label": L.reject_reason, maxlength: "300" });
    const item = el("li", attrs);
    const buttons = function (on) { for (const b of item.querySelectorAll("button")) b.disabled = !on; };
    const decide = async function (name, params, done) {
      buttons(false);
      try {
        await call(name, params);
        status.textContent = done;
        item.dataset.decided = name;
        actions.remove();
      } catch (error) {
        status.textContent = error.message;
        buttons(true);
      }
    };
    const actions = el("div", { cls: "tools" }, [
      el("button", { type: "button", cls: "primary approve", text: L.approve, on: { click: function () { decide(calls.approve[0], calls.approve[1], calls.approve[2]); } } }),
      reason,
      el("button", { type: "button", cls: "reject", text: L.reject, on: { click: function () {
        if (reason.value.trim().length < 3) { reason.focus(); return; }
        decide(calls.refuse[0], Object.assign({ reason: reason.value }, calls.refuse[1]), calls.refuse[2]);
      } } }),
    ]);
    item.appendChild(el("div", { cls: "main" }, lines.concat([actions, status])));
    return item;
  }
  // The report's certificate, fetched on demand through the bot (never kept by the server) and
  // shown from a blob: URL: a photo as an image, a PDF in a frame with a link to save it.
  function certificateViewer(reportId) {
    const holder = el("div", { cls: "certificate" });
    let url = null;
    const toggle = el("button", { type: "button", cls: "secondary show-certificate", text: L.show_certificate, on: { click: async function () {
      if (url) {
        URL.revokeObjectURL(url);
        url = null;
        holder.replaceChildren();
        toggle.textContent = L.show_certificate;
        return;
      }
      toggle.disabled = true;
      holder.replaceChildren(el("p", { cls: "note", text: L.loading }));
      try {
        const blob = await fetchFile("certificate", { report_id: reportId });
        url = URL.createObjectURL(blob);
        const shown = blob.type.startsWith("image/")
          ? el("img", { src: url, alt: L.certificate_file })
          : blob.type === "application/pdf"
            ? el("iframe", { src: url, title: L.certificate_file })
            : null;
        holder.replaceChildren.apply(holder, [shown, el("a", { href: url, download: "sertifikat-" + reportId, text: L.download_file })].filter(Boolean));
        toggle.textContent = L.hide_certificate;
      } catch (error) {
        holder.replaceChildren(el("p", { cls: "note", role: "alert", text: error.message }));
      } finally {
        toggle.disabled = false;
      }
    } } });
    return el("div", {}, [toggle, holder]);
  }
  async function queue() {
    const data = await call("queue", {});
    if (!data.reports.length && !data.accounts.length) {
      view.replaceChildren(el("p", { cls: "note", text: L.queue_empty }));
      return;
    }
    const parts = [];
    if (data.accounts.length) {
      parts.push(el("h2", { text: L.accounts }), el("ul", { cls: "rows", id: "accounts" }, data.accounts.map(function (a) {
        const id = { request_id: a.id };
        return decision({ "data-request": String(a.id) }, [
          el("div", { text: a.typed_name }),
          el("div", { cls: "sub", text: [a.kind === "transfer" ? L.account_transfer : L.account_verify, a.telegram_name, a.opd_name].join(" · ") }),
        ], { approve: ["approve_account", id, L.account_approved], refuse: ["refuse_account", id, L.account_refused] });
      })));
    }
    if (data.reports.length) {
      parts.push(el("h2", { text: L.reports }), el("ul", { cls: "rows", id: "queue" }, data.reports.map(function (r) {
        const id = { report_id: r.id };
        return decision({ "data-report": String(r.id) }, [
          el("div", { text: r.title }),
          el("div", { cls: "sub", text: [r.name, r.nip, r.opd_name].join(" · ") }),
          el("div", { cls: "sub", text: [r.organiser, date(r.started_on) + " – " + date(r.ended_on), r.jp + " JP", r.certificate_no].join(" · ") }),
          certificateViewer(r.id),
        ], { approve: ["approve", id, L.approved], refuse: ["reject", id, L.rejected] });
      })));
    }
    view.replaceChildren.apply(view, parts);
  }

  // --- one employee, and the learner's own view ------------------------------------------------
  // Minutes per month as bars, January to December (a month without credit shows 0).
  function monthChart(byMonth, id) {
    const chart = el("div", { cls: "months", id: id });
    const most = Math.max(1, ...Object.values(byMonth));
    for (let m = 1; m <= 12; m += 1) {
      const minutes = byMonth[String(m)] || 0;
      chart.append(el("span", { text: MONTHS[m - 1] }), bar(minutes / most), el("span", { cls: "v", text: jp(minutes) }));
    }
    return chart;
  }
  // Required learning as one person stands in it (the assignments service's standing).
  function assignments(items) {
    if (!items.length) return el("p", { cls: "note", text: L.no_assignments });
    return el("ul", { cls: "rows", id: "assignments" }, items.map(function (a) {
      const when = a.standing === "completed" && a.completed_on
        ? fill(L.completed_on, { date: date(a.completed_on) })
        : fill(L.due_on, { date: date(a.due_on) });
      return el("li", { "data-standing": a.standing }, [
        el("div", { cls: "main" }, [el("div", { text: a.title }), el("div", { cls: "sub", text: when })]),
        el("span", { cls: "badge " + a.standing, text: L["standing_" + a.standing] }),
      ]);
    }));
  }
  function paths(items) {
    if (!items.length) return el("p", { cls: "note", text: L.no_paths });
    return el("ul", { cls: "rows", id: "paths" }, items.map(function (p) {
      return el("li", {}, [
        el("div", { cls: "main" }, [
          el("div", { text: p.title }),
          el("div", { cls: "sub", text: p.next ? fill(L.path_next, { module: p.next }) : L.path_done }),
          bar(p.total ? p.done / p.total : 0),
        ]),
        el("span", { cls: "num", text: p.done + "/" + p.total }),
      ]);
    }));
  }
  function entries(items) {
    if (!items.length) return el("p", { cls: "note", text: L.no_activities });
    return el("ul", { cls: "rows", id: "ledger" }, items.map(function (e) {
      const facts = [date(e.ended_on), e.organiser];
      if (e.evidence.score !== undefined) facts.push(fill(L.evidence_score, { score: e.evidence.score }));
      if (e.evidence.attempts !== undefined) facts.push(fill(L.evidence_attempts, { attempts: e.evidence.attempts }));
      if (e.evidence.reading_seconds !== undefined) facts.push(fill(L.evidence_time, { minutes: Math.round(e.evidence.reading_seconds / 60) }));
      if (e.certificate_no) facts.push(L.certificate + " " + e.certificate_no);
      return el("li", {}, [el("div", { cls: "main" }, [el("div", { text: e.title }), el("div", { cls: "sub", text: facts.join(" · ") })]),
        el("span", { cls: "num", text: jp(e.minutes) })]);
    }));
  }
  function progress(minutes, target, own) {
    const share = target ? minutes / target : 0;
    return [
      el("div", { cls: "cards" }, [card(fill(own ? L.my_jp : L.jp_year, { year: me.year }), jp(minutes)), card(fill(L.target, { target: "" }).trim(), jp(target))]),
      bar(share),
      el("p", { cls: "note", id: "remaining", text: minutes >= target ? (own ? L.reached : L.reached_other) : fill(L.remaining, { missing: jp(target - minutes) }) }),
    ];
  }
  async function employee(nip) {
    const data = await call("employee", { nip: nip, year: me.year });
    view.replaceChildren.apply(view, [el("p", { cls: "note", text: data.nip + " · " + data.opd_name })]
      .concat(progress(data.minutes, data.target, false))
      .concat([el("h2", { text: L.assignments }), assignments(data.assignments)])
      .concat([el("h2", { text: L.ledger }), entries(data.entries)])
      .concat([el("h2", { text: L.reports_of }), reports(data.reports)])
      .concat([el("h2", { text: L.certificates_of }), certificates(data.certificates, L.no_certificates_of)]));
  }
  // An employee's outside-training reports in every state, a rejection with its reason.
  function reports(items) {
    if (!items.length) return el("p", { cls: "note", text: L.no_reports });
    return el("ul", { cls: "rows", id: "reports" }, items.map(function (r) {
      const facts = [r.organiser, date(r.started_on) + " – " + date(r.ended_on), r.jp + " JP", r.certificate_no];
      return el("li", { "data-status": r.status }, [
        el("div", { cls: "main" }, [
          el("div", { text: r.title }),
          el("div", { cls: "sub", text: facts.join(" · ") }),
          r.reason ? el("div", { cls: "sub", text: fill(L.report_reason, { reason: r.reason }) }) : null,
        ]),
        el("span", { cls: "badge report-" + r.status, text: L["report_" + r.status] }),
      ]);
    }));
  }
  function certificates(items, none) {
    if (!items.length) return el("p", { cls: "note", text: none || L.no_certificates });
    return el("ul", { cls: "rows", id: "certificates" }, items.map(function (c) {
      const code = c.code.replace(/-/g, "");
      const check = me.bot_username
        ? el("a", { href: "https://t.me/" + encodeURIComponent(me.bot_username) + "?start=v_" + encodeURIComponent(code),
          target: "_blank", rel: "noopener", text: L.verify })
        : el("span", { cls: "sub", text: "/verifikasi " + c.code });
      if (check.tagName === "A" && tg && tg.openTelegramLink) {
        check.addEventListener("click", function (e) { e.preventDefault(); tg.openTelegramLink(check.href); });
      }
      return el("li", {}, [el("div", { cls: "main" }, [
        el("div", { text: c.title }),
        el("div", { cls: "sub", text: [c.certificate_no, date(c.completed_on), c.code].join(" · ") }),
      ]), check]);
    }));
  }
  async function learner() {
    const data = await call("learner", { year: me.year });
    const months = monthChart(data.by_month, "months");
    const parts = [];
    if (!data.verified) parts.push(el("p", { cls: "note", text: L.pending_note }));
    parts.push.apply(parts, progress(data.minutes, data.target, true));
    parts.push(
      el("h2", { text: L.by_source }),
      el("div", { cls: "cards" }, [card(L.source_module, jp(data.by_source.module)), card(L.source_external, jp(data.by_source.external))]),
      el("h2", { text: L.by_month }), months,
      el("h2", { text: L.my_assignments }), assignments(data.assignments),
      el("h2", { text: L.paths }), paths(data.paths),
      el("h2", { text: L.activities }), entries(data.entries),
      el("h2", { text: L.certificates }), certificates(data.certificates),
    );
    view.replaceChildren.apply(view, parts);
  }

  // --- start ------------------------------------------------------------------------------------
  async function start() {
    heading.textContent = L.title;
    try {
      me = await call("me");
    } catch (error) {
      showError(error, start);
      return;
    }
    document.body.dataset.role = me.role;
    if (me.role === "superadmin") go(province, L.province);
    else if (me.role === "opd_admin") go(function () { return agency(me.opd); }, me.opd_name || me.opd);
    else go(learner, me.name || L.title);
  }
  start();
})();

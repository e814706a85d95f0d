// 小智 staff console: the live queue, the full picture of one case, claim/release/decide.
// Everything personal arrives from the API and is written with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const api = "/api/v1/staff";
const STATE = { escalated: "待受理", claimed: "处理中", approved: "已通过", rejected: "不予办理", issued: "已办结", cancelled: "已取消" };
const FIELD = { name: "姓名", sex: "性别", ethnicity: "民族", birth_date: "出生", address: "住址", id_number: "公民身份号码",
  authority: "签发机关", valid_from: "有效期起", valid_until: "有效期至" };
const DOC = { id_card_front: "身份证人像面", id_card_back: "身份证国徽面", driving_licence: "驾驶证", vehicle_licence: "行驶证" };

let me = null;          // the logged-in staff member
let lease = 60;         // seconds; renewals go at a third of it
let queue = new Map();  // case id → queue item
let lastSeq = 0;        // the last event seen, for resuming after a reconnect
let caseSeq = new Map();// case id → seq of the last event applied (events from other replicas may arrive late)
let current = null;     // the case on screen
let ws = null, retry = 500, renewTimer = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

async function call(method, path, body) {
  const res = await fetch(api + path, {
    method, credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return {};
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && path !== "/login") showLogin();
    throw new Error((data.error && data.error.message) || "请求失败（" + res.status + "）");
  }
  return data;
}

function showLogin() {
  me = null;
  if (ws) { ws.onclose = null; ws.close(); ws = null; }
  $("desk-view").hidden = true; $("logout").hidden = true; $("me").textContent = "";
  $("login-view").hidden = false;
  setConn("offline", "未连接");
}

async function start() {
  try {
    const data = await call("GET", "/me");
    me = data.staff; lease = data.lease_seconds || 60;
  } catch (e) { showLogin(); return; }
  $("login-view").hidden = true; $("desk-view").hidden = false; $("logout").hidden = false;
  $("me").textContent = me.name + "（" + ({ clerk: "窗口", supervisor: "值班长", admin: "管理员" }[me.role] || me.role) + "）";
  await loadQueue();
  connect();
}

async function loadQueue() {
  const data = await call("GET", "/queue");
  queue = new Map(data.queue.map((it) => [it.id, it]));
  renderQueue();
}

function renderQueue() {
  const body = $("queue");
  body.replaceChildren();
  const now = Date.now();
  for (const it of queue.values()) {
    const tr = el("tr");
    tr.dataset.id = it.id; tr.dataset.state = it.state;
    if (current && current.id === it.id) tr.classList.add("selected");
    if (it.overdue > 0) tr.classList.add("overdue");
    tr.append(el("td", it.title || it.matter),
      el("td", it.since ? Math.max(0, Math.round((now - Date.parse(it.since)) / 60000)) + " 分钟" : ""),
      el("td", (it.reasons || []).join("，")),
      el("td", it.state === "claimed" ? "处理中 · " + (it.holder_name || "") : STATE[it.state] || it.state, "state"));
    tr.onclick = () => openCase(it.id);
    body.append(tr);
  }
  $("queue-count").textContent = "(" + queue.size + ")";
  $("queue-empty").hidden = queue.size > 0;
}

function setConn(state, text) { const c = $("conn"); c.dataset.state = state; c.textContent = text; }

function connect() {
  const proto = location.protocol === "https:" ? "wss://" : "ws://";
  ws = new WebSocket(proto + location.host + api + "/ws");
  ws.onopen = () => { retry = 500; setConn("online", "实时连接"); ws.send(JSON.stringify({ type: "resume", after: lastSeq })); };
  ws.onmessage = (m) => onMessage(JSON.parse(m.data));
  ws.onclose = (e) => {
    setConn("offline", "连接中断，正在重连…");
    if (e.code === 4401) { showLogin(); return; }
    setTimeout(() => { if (me) { loadQueue().catch(() => {}); connect(); } }, retry);
    retry = Math.min(retry * 2, 10000);
  };
}

function onMessage(m) {
  if (m.type === "event") applyEvent(m.event);
  else if (m.type === "replay") m.events.forEach(applyEvent);
  else if (m.type === "error" && current && m.case_id === current.id) $("case-error").textContent = m.message;
}

// applyEvent updates the queue from one event. Events of one case are applied in seq order:
// one relayed from another replica can arrive after a later one from this replica.
function applyEvent(ev) {
  lastSeq = Math.max(lastSeq, ev.seq);
  if ((caseSeq.get(ev.case_id) || 0) >= ev.seq) return;
  caseSeq.set(ev.case_id, ev.seq);
  const it = queue.get(ev.case_id);
  if (ev.to === "escalated" || ev.to === "claimed") {
    if (!it) { loadQueue().catch(() => {}); }
    else {
      it.state = ev.to;
      it.holder_name = ev.to === "claimed" ? ev.holder_name : "";
      if (ev.reason.startsWith("overdue:")) {
        it.overdue = parseInt(ev.reason.slice(8), 10);
        if (me && me.role !== "clerk") showAlert("业务 " + (it.title || it.matter) + " 已等待超过规定时限，无人受理。");
      }
    }
  } else if (it) {
    queue.delete(ev.case_id);
  }
  renderQueue();
  if (current && current.id === ev.case_id) openCase(current.id, true);
}

function showAlert(text) { const a = $("alert"); a.textContent = text; a.hidden = false; }

async function openCase(id, quiet) {
  let data;
  try { data = await call("GET", "/cases/" + encodeURIComponent(id)); }
  catch (e) { if (!quiet) $("case-error").textContent = e.message; return; }
  current = data.case;
  renderCase(current);
  renderQueue();
}

function renderCase(c) {
  $("case").hidden = false;
  $("case-title").textContent = (c.title || c.matter) + " · " + c.id;
  $("case-title").dataset.state = c.state;
  $("case-meta").textContent = "状态：" + (STATE[c.state] || c.state) +
    (c.state === "claimed" ? "（" + (c.holder_name || "") + " 受理中）" : "") + "　联系电话：" + (c.phone || "—");
  const mine = c.state === "claimed" && me && c.holder_id === me.id;
  $("claim").disabled = c.state !== "escalated";
  $("release").disabled = !mine;
  $("decide").hidden = !mine;
  $("case-error").textContent = "";
  setRenew(mine ? c.id : null);

  const docs = $("documents");
  docs.replaceChildren();
  for (const d of c.documents) {
    const box = el("div", null, "doc");
    box.append(el("h4", DOC[d.kind] || d.kind));
    const img = el("img"); img.alt = DOC[d.kind] || d.kind; img.src = d.image; box.append(img);
    const t = el("table");
    for (const [k, v] of Object.entries(d.fields || {})) {
      const conf = (d.confidence || {})[k];
      const tr = el("tr");
      tr.append(el("th", FIELD[k] || k), el("td", v),
        el("td", conf === undefined ? "—" : Math.round(conf * 100) + "%", conf !== undefined && conf < 0.8 ? "conf-low" : ""));
      t.append(tr);
    }
    box.append(t);
    const flags = el("div", null, "flags");
    (d.flags || []).forEach((f) => flags.append(el("span", f)));
    box.append(flags);
    docs.append(box);
  }

  const reasons = $("reasons");
  reasons.replaceChildren();
  const dec = c.decision;
  if (dec) {
    for (const r of dec.reasons) {
      const p = el("p");
      p.append(el("strong", r.code + "（" + r.outcome + "）"), document.createTextNode(" " + r.message + " "), el("span", r.basis, "muted"));
      reasons.append(p);
    }
  } else reasons.append(el("p", "系统未作出判定（业务数据暂不可用）。", "muted"));
  const trace = $("trace");
  trace.replaceChildren();
  for (const s of (dec && dec.trace) || []) {
    const tr = el("tr");
    tr.append(el("td", s.check), el("td", s.result, "result-" + s.result), el("td", (s.missing || []).join("，") + (s.error ? " " + s.error : "")));
    trace.append(tr);
  }
  $("registry").textContent = c.registry ? JSON.stringify(c.registry, null, 2) : "（无记录）";
  const evs = $("events");
  evs.replaceChildren();
  for (const e of c.events) {
    evs.append(el("li", new Date(e.at).toLocaleString("zh-CN") + "　" + (STATE[e.to] || e.to) + "　" +
      (e.actor_name || e.actor) + (e.reason ? "　" + e.reason : "")));
  }
}

// setRenew keeps the lease on the case this console holds: a closed console stops renewing
// and the case returns to the queue by itself.
function setRenew(id) {
  clearInterval(renewTimer);
  renewTimer = null;
  if (!id) return;
  renewTimer = setInterval(() => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "renew", case_id: id }));
  }, Math.max(1000, lease * 1000 / 3));
}

async function act(path, body) {
  if (!current) return;
  let problem = "";
  try { await call("POST", "/cases/" + encodeURIComponent(current.id) + path, body); }
  catch (e) { problem = e.message; }
  await openCase(current.id, true);
  await loadQueue().catch(() => {});
  $("case-error").textContent = problem;
}

$("claim").onclick = () => act("/claim");
$("release").onclick = () => act("/release");
$("decide").onsubmit = (e) => {
  e.preventDefault();
  const outcome = document.querySelector('input[name="outcome"]:checked').value;
  act("/decision", { outcome, reason_code: $("reason-code").value, message: $("message").value.trim() });
};
$("login-form").onsubmit = async (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  try {
    await call("POST", "/login", { name: $("login-name").value, password: $("login-password").value });
    $("login-password").value = "";
    start();
  } catch (err) { $("login-error").textContent = err.message; }
};
$("logout").onclick = async () => { await call("POST", "/logout").catch(() => {}); showLogin(); };

start();

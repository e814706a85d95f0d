// The kiosk screen. One screen at a time; the backend drives the camera and pushes prompts
// over the WebSocket; every prompt is shown and, where the browser can, spoken.
"use strict";

// Matters this screen can take from start to finish: they need documents only, no typed input.
const SCREEN_MATTERS = ["DL_DAMAGED_REPLACE", "DL_LOST_REISSUE", "DL_EXPIRY_RENEW",
  "DL_MEDICAL_SUBMIT", "TEMP_ID_CARD", "RESIDENCE_PERMIT_ENDORSE"];
const DOC_TITLES = { id_card_front: "身份证人像面", id_card_back: "身份证国徽面",
  driving_licence: "驾驶证", vehicle_licence: "行驶证" };
const API = "/api/v1/kiosk";

const $ = (id) => document.getElementById(id);
const state = { credential: localStorage.getItem("xiaozhi.kiosk.credential") || "",
  caseData: null, noCamera: false, uploadKind: "", ws: null, wsDelay: 500, stopped: false };

function show(name) {
  document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== "screen-" + name; });
  $("cancel").hidden = !["capture", "confirm", "phone"].includes(name);
  document.body.dataset.screen = name;
}

function speak(text) {
  if (!text || !("speechSynthesis" in window)) return;
  try {
    speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    speechSynthesis.speak(u);
  } catch (e) { /* speech is a help, never a requirement */ }
}

function setPrompt(text, speech) {
  $("prompt").textContent = text;
  speak(speech === undefined ? text : speech);
}

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function call(method, path, body, raw) {
  const headers = { Authorization: "Bearer " + state.credential };
  let payload;
  if (raw) { payload = raw; headers["Content-Type"] = raw.type || "application/octet-stream"; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  const resp = await fetch(API + path, { method, headers, body: payload });
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const e = data.error || {};
    if (resp.status === 401) stopped();
    throw new APIError(resp.status, e.code || "internal", e.message || "系统繁忙，请稍后再试。");
  }
  return data;
}

function stopped() {
  state.stopped = true;
  sessionStorage.removeItem("xiaozhi.kiosk.case");
  show("stopped");
  speak("本终端已停用，请到窗口办理。");
}

// --- WebSocket ---------------------------------------------------------------------------
function connect() {
  if (state.stopped || !state.credential) return;
  const proto = location.protocol === "https:" ? "wss://" : "ws://";
  // The credential travels as the second subprotocol and is checked before the upgrade; a
  // credential that is no valid protocol token falls back to the first-message form.
  const token = /^[A-Za-z0-9_\-.~]+$/.test(state.credential);
  const ws = token
    ? new WebSocket(proto + location.host + API + "/ws", ["xiaozhi.kiosk.v1", state.credential])
    : new WebSocket(proto + location.host + API + "/ws");
  state.ws = ws;
  ws.onopen = () => {
    if (!token) ws.send(JSON.stringify({ type: "auth", credential: state.credential }));
    state.wsDelay = 500;
  };
  ws.onmessage = (ev) => {
    let m; try { m = JSON.parse(ev.data); } catch (e) { return; }
    const current = state.caseData && state.caseData.id;
    if (m.type === "prompt" && m.case_id === current) setPrompt(m.text, m.speech);
    else if (m.type === "demo_sms" && m.case_id === current) showSMS(m.text);
    else if (m.type === "state" && m.case_id === current) onState(m.state);
    else if (m.type === "hello") $("status").textContent = "终端：" + m.station;
  };
  ws.onclose = (ev) => {
    state.ws = null;
    if (ev.code === 1008) { stopped(); return; }
    setTimeout(connect, state.wsDelay);
    state.wsDelay = Math.min(state.wsDelay * 2, 10000);
  };
}

function showSMS(text) {
  const t = $("sms");
  t.textContent = "【演示短信】" + text;
  t.hidden = false;
  setTimeout(() => { t.hidden = true; }, 60000);
}

async function onState(st) {
  // A clerk may decide an escalated case while the citizen still stands here.
  if (document.body.dataset.screen === "result" && ["issued", "rejected"].includes(st)) {
    state.caseData = await call("GET", "/cases/" + state.caseData.id);
    showResult();
  }
}

// --- Screens -----------------------------------------------------------------------------
async function home() {
  sessionStorage.removeItem("xiaozhi.kiosk.case");
  state.caseData = null;
  $("sms").hidden = true;
  show("home");
  const box = $("matters");
  box.textContent = "";
  try {
    const { matters } = await call("GET", "/matters");
    for (const m of matters.filter((m) => SCREEN_MATTERS.includes(m.code))) {
      const b = document.createElement("button");
      b.textContent = m.title;
      b.dataset.matter = m.code;
      b.onclick = () => start(m.code);
      box.appendChild(b);
    }
  } catch (e) { box.textContent = e.message; }
}

async function start(matter) {
  try {
    state.caseData = await call("POST", "/cases", { matter });
    sessionStorage.setItem("xiaozhi.kiosk.case", state.caseData.id);
    next();
  } catch (e) { alert(e.message); }
}

// next moves to whatever the case needs now.
function next() {
  const c = state.caseData;
  if (c.result) { showResult(); return; }
  if (c.missing.length > 0) { capture(c.missing[0]); return; }
  confirm();
}

function renderSteps(active) {
  const c = state.caseData;
  const ol = $("capture-steps");
  ol.textContent = "";
  const kinds = Object.keys(c.documents).concat(c.missing).filter((k, i, a) => a.indexOf(k) === i);
  for (const k of kinds) {
    const li = document.createElement("li");
    li.textContent = DOC_TITLES[k] || k;
    li.className = k === active ? "active" : (c.documents[k] ? "done" : "");
    ol.appendChild(li);
  }
}

async function capture(kind) {
  show("capture");
  $("capture-title").textContent = state.caseData.matter_title;
  $("capture-error").textContent = "";
  $("capture-retry").hidden = true;
  renderSteps(kind);
  state.uploadKind = kind;
  if (state.noCamera) { showUpload(kind); return; }
  $("upload").hidden = true;
  $("capture-busy").hidden = false;
  setPrompt("请将" + DOC_TITLES[kind] + "朝上放在高拍仪下");
  try {
    const r = await call("POST", "/cases/" + state.caseData.id + "/capture", { kind });
    afterDocument(r, kind);
  } catch (e) {
    $("capture-busy").hidden = true;
    if (e.code === "unavailable") { state.noCamera = true; showUpload(kind); return; }
    $("capture-error").textContent = e.message;
    $("capture-retry").hidden = false;
    speak(e.message);
  }
}

function showUpload(kind) {
  $("capture-busy").hidden = true;
  $("upload").hidden = false;
  setPrompt("请上传" + DOC_TITLES[kind] + "的照片");
}

async function upload() {
  const f = $("upload-file").files[0];
  if (!f) { $("capture-error").textContent = "请先选择照片。"; return; }
  $("capture-busy").hidden = false;
  try {
    const r = await call("POST", "/cases/" + state.caseData.id + "/documents?kind=" + state.uploadKind, undefined, f);
    $("upload-file").value = "";
    afterDocument(r, state.uploadKind);
  } catch (e) {
    $("capture-busy").hidden = true;
    $("capture-error").textContent = e.message;
    speak(e.message);
  }
}

function afterDocument(r, kind) {
  state.caseData = r.case;
  $("capture-busy").hidden = true;
  if (r.retake || r.document.kind !== kind) {
    const text = r.prompt ? r.prompt.text : "照片无法使用，请重新放置证件";
    $("capture-error").textContent = text;
    speak(text);
    $("capture-retry").hidden = false;
    return;
  }
  next();
}

function confirm() {
  show("confirm");
  const dl = $("confirm-fields");
  dl.textContent = "";
  for (const k of Object.keys(DOC_TITLES)) {
    const d = state.caseData.documents[k];
    if (!d) continue;
    for (const [label, value] of Object.entries(d.fields)) {
      const dt = document.createElement("dt"); dt.textContent = label;
      const dd = document.createElement("dd"); dd.textContent = value || "（未识别）";
      dl.append(dt, dd);
    }
  }
  speak("请核对您的姓名和证件号码，无误请点击下一步。");
}

function phone() {
  show("phone");
  $("phone-error").textContent = "";
  speak("请输入您的手机号码，并获取验证码。");
}

async function sendSMS() {
  $("phone-error").textContent = "";
  try {
    const r = await call("POST", "/cases/" + state.caseData.id + "/sms", { phone: $("phone").value.trim() });
    $("phone-error").textContent = "验证码已发送至 " + r.sent_to;
    speak("验证码已发送，请查看短信。");
  } catch (e) { $("phone-error").textContent = e.message; speak(e.message); }
}

async function submit() {
  $("phone-error").textContent = "";
  show("deciding");
  try {
    state.caseData = await call("POST", "/cases/" + state.caseData.id + "/submit",
      { phone: $("phone").value.trim(), sms_code: $("sms-code").value.trim() });
    $("phone").value = ""; $("sms-code").value = "";
    showResult();
  } catch (e) {
    show("phone");
    $("phone-error").textContent = e.message;
    speak(e.message);
  }
}

function showResult() {
  const r = state.caseData.result;
  if (!r) { show("deciding"); return; }
  $("sms").hidden = true;
  show("result");
  const screen = $("screen-result");
  screen.className = "screen " + r.outcome;
  screen.dataset.outcome = r.outcome;
  $("result-title").textContent = r.title;
  const ul = $("result-lines");
  ul.textContent = "";
  for (const line of r.lines || []) {
    const li = document.createElement("li"); li.textContent = line; ul.appendChild(li);
  }
  const rated = state.caseData.rating > 0;
  $("rating").hidden = r.outcome === "cancelled";
  $("rating-done").hidden = !rated;
  document.querySelectorAll(".stars button").forEach((b) => { b.disabled = rated; });
  speak(r.speech);
}

async function rate(n) {
  try {
    state.caseData = await call("POST", "/cases/" + state.caseData.id + "/rating", { rating: n });
    showResult();
  } catch (e) { $("rating-done").hidden = false; $("rating-done").textContent = e.message; }
}

async function cancel() {
  const c = state.caseData;
  if (c) { try { await call("POST", "/cases/" + c.id + "/cancel", { reason: "applicant" }); } catch (e) { /* gone already */ } }
  home();
}

async function setup() {
  const cred = $("setup-credential").value.trim();
  if (!cred) return;
  state.credential = cred;
  try {
    await call("GET", "/matters");
    localStorage.setItem("xiaozhi.kiosk.credential", cred);
    state.stopped = false;
    connect();
    home();
  } catch (e) { $("setup-error").textContent = e.message; show("setup"); }
}

// resume picks up the case a reload or a restart of the service interrupted.
async function resume() {
  const id = sessionStorage.getItem("xiaozhi.kiosk.case");
  if (!id) { home(); return; }
  try {
    state.caseData = await call("GET", "/cases/" + id);
    if (state.caseData.state === "cancelled") { home(); return; }
    next();
  } catch (e) { if (!state.stopped) home(); }
}

async function boot() {
  if (!state.credential || location.hash === "#setup") {
    try {
      const r = await fetch("setup.json");
      if (r.ok && location.hash !== "#setup") state.credential = (await r.json()).credential;
    } catch (e) { /* not a demo */ }
  }
  if (!state.credential || location.hash === "#setup") { show("setup"); return; }
  connect();
  resume();
}

$("setup-save").onclick = setup;
$("capture-retry").onclick = () => capture(state.uploadKind);
$("upload-send").onclick = upload;
$("confirm-ok").onclick = phone;
$("confirm-retake").onclick = () => capture(Object.keys(state.caseData.documents)[0] || state.caseData.missing[0]);
$("sms-send").onclick = sendSMS;
$("submit").onclick = submit;
$("result-done").onclick = home;
$("cancel").onclick = cancel;
document.querySelectorAll(".stars button").forEach((b) => { b.onclick = () => rate(Number(b.dataset.rating)); });
setInterval(() => { $("clock").textContent = new Date().toLocaleTimeString("zh-CN"); }, 1000);
boot();

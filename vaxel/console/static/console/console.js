// The operator console: live events, ticking waits, keyboard first. No inline script (CSP).
(function () {
  "use strict";
  const body = document.body;
  let answering = "";  // the call this console last answered, until it is handled
  let notReached = false;  // it went back to the queue: said again over the answer's own reply
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  // CSRF for every htmx request.
  document.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRFToken"] = $("meta[name=csrf-token]").content;
  });

  // Live updates: one Server-Sent Events stream; each event asks the parts it touches to
  // refresh. A reconnect and a timer resync everything, in case an event was missed.
  // While the server's broker (Redis) is down the stream stays open but carries nothing:
  // the server says so ("live" event), the badge says so, and the console resyncs every
  // 5 seconds until the broker is back.
  function fire(name) { htmx.trigger(body, name); }
  let fastResync = null;
  function degraded(on) {
    if (on && !fastResync) fastResync = setInterval(() => fire("vx-resync"), 5000);
    if (!on && fastResync) { clearInterval(fastResync); fastResync = null; }
  }
  function connect() {
    const live = $("#live");
    const source = new EventSource(body.dataset.events);
    let opened = false;
    function show(state) {
      live.classList.toggle("on", state === "on");
      live.dataset.state = state;
      live.textContent = live.dataset[state];
    }
    // The server's first event says it listens (and whether its broker is up): only
    // then is the console live, since a call arriving before it would be missed.
    source.addEventListener("error", () => show("off"));
    source.addEventListener("live", (event) => {
      const up = JSON.parse(event.data).up;
      show(up ? "on" : "degraded");
      degraded(!up);
      if (up && opened) fire("vx-resync");  // a reconnect, or the broker back
      opened = true;
    });
    source.addEventListener("queue", (event) => {
      // The call this console answered waits again: it never reached this telephone.
      const told = JSON.parse(event.data);
      if (String(told.call) === answering) {
        if (told.state === "queued") { notReached = true; say(body.dataset.notReached, true); }
        if (told.state !== "answered") answering = "";
      }
      fire("vx-queue");
    });
    source.addEventListener("change", () => fire("vx-change"));
  }
  setInterval(() => fire("vx-resync"), 30000);

  // Waiting times tick every second, on from the seconds the server counted when it
  // drew them (the operator's own clock may be wrong; the browser's monotonic one is not).
  function tick() {
    const nowMs = performance.now();
    $$("time[data-seconds]").forEach((el) => {
      if (!el.dataset.drawnAt) el.dataset.drawnAt = String(nowMs);
      const seconds = Number(el.dataset.seconds) + Math.floor((nowMs - Number(el.dataset.drawnAt)) / 1000);
      const m = Math.floor(seconds / 60), s = seconds % 60;
      el.textContent = m + ":" + String(s).padStart(2, "0");
      el.classList.toggle("long", seconds >= 60);
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);

  // Screen readers hear live changes (the queue, the hits, the chosen hit) through one
  // polite live region; focus stays where the operator is typing.
  let lastQueueSummary = "", lastHits = "";
  function announce(text) {
    const el = $("#announcer");
    if (!el || !text) return;
    el.textContent = "";
    setTimeout(() => { el.textContent = text; }, 50);
  }
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (!target) return;
    if (target.id === "hits") {
      // Once per new query or new count, not at every refresh of the same hits.
      const query = $("#search").value.trim(), said = query + "\n" + hits().length;
      if (query && said !== lastHits) announce(body.dataset.hitsText + ": " + hits().length);
      lastHits = said;
    } else if (target.id === "queue") {
      const summary = $("[data-queue-summary]", target);
      const text = summary ? summary.textContent.trim() : "";
      if (text !== lastQueueSummary) announce(text);
      lastQueueSummary = text;
    }
  });

  // Acting on a hit: put the current call through, or take a message / a callback.
  function currentCall() { const el = $("[data-current-call]"); return el ? el.dataset.currentCall : ""; }
  function say(text, error) {
    $("#notice").innerHTML = "";
    const p = document.createElement("p");
    p.className = error ? "notice error" : "notice";
    p.textContent = text;
    $("#notice").appendChild(p);
  }
  // By the call's id, not a button: the queue may be redrawn by a live update meanwhile.
  // The next in the queue may be a caller waiting to be called back: then Alt+A calls them.
  function answerNext() {
    const waiting = $(".calls li.call[data-call]");
    if (!waiting) return;
    answering = waiting.dataset.call;
    notReached = false;
    const url = waiting.dataset.callback ? body.dataset.answerUrl.replace("/answer/", "/call-back/") : body.dataset.answerUrl;
    htmx.ajax("POST", url.replace("/0/", "/" + waiting.dataset.call + "/"), {
      target: "#notice", source: body,
    });
  }
  // The queue's buttons (Svara, Avsluta, Parkera, Ring upp, …) ask from the page's body
  // too: were the answer to come to a button the live stream has redrawn meanwhile, htmx
  // would drop it, and the console's telephone would never hear "hang up" or "refer".
  function post(button) {
    if (button.disabled) return;
    if (button.hasAttribute("data-once")) button.disabled = true;
    const row = button.closest("[data-call]");
    if ((button.hasAttribute("data-answer") || button.hasAttribute("data-pick-up")) && row) answering = row.dataset.call;
    notReached = false;
    htmx.ajax("POST", button.dataset.post, { target: "#notice", source: body });
  }
  function putThrough(button) {
    const call = currentCall();
    if (!call) { say(body.dataset.noCall, true); return; }
    htmx.ajax("POST", body.dataset.putThroughUrl.replace("/0/", "/" + call + "/"), {
      target: "#notice", source: body, values: { number: button.dataset.putThrough },
    });
  }
  function messageForm(button, callback) {
    const form = $("#message-form");
    form.reset();
    form.for_person.value = button.dataset.messagePerson || button.dataset.callbackPerson || "";
    form.for_unit.value = button.dataset.messageUnit || button.dataset.callbackUnit || "";
    form.call.value = currentCall();
    $("#message-for").textContent = "– " + button.dataset.name;
    form.kind.value = "callback";
    form.hidden = false;
    if (callback && currentCall()) { form.requestSubmit(); return; }
    form.subject.focus();
  }
  function absenceForm(button) {
    const form = $("#absence-form");
    form.reset();
    form.email.value = button.dataset.absence;
    $("#absence-for").textContent = "– " + button.dataset.name;
    form.hidden = false;
    form.reason.focus();
  }
  function closeForms() { $("#message-form").hidden = true; $("#absence-form").hidden = true; }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.post) post(button);
    else if (button.dataset.putThrough) putThrough(button);
    else if (button.dataset.consult) consult(button);
    else if (button.hasAttribute("data-join")) join();
    else if (button.hasAttribute("data-consult-back")) consultBack();
    else if (button.dataset.messagePerson || button.dataset.messageUnit) messageForm(button, false);
    else if (button.dataset.callbackPerson || button.dataset.callbackUnit) messageForm(button, true);
    else if (button.dataset.absence) absenceForm(button);
    else if (button.hasAttribute("data-hold")) holdToggle(button);
    else if (button.hasAttribute("data-close")) { closeForms(); $("#search").focus(); }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const target = event.detail.target;
    // The answer's reply ("Besvarat …") may come after the news that the call never
    // reached this telephone; the news stands.
    const path = (event.detail.pathInfo || {}).requestPath || "";
    if (notReached && target && target.id === "notice" && path.endsWith("/answer/")) {
      notReached = false;
      say(body.dataset.notReached, true);
      return;
    }
    if (target && target.id === "notice" && event.detail.successful && !$("#notice .error")) {
      closeForms();
      $("#search").focus();
    }
  });

  // The console as its operator's telephone (Kamailio; WebRTC through rtpengine). It
  // registers with credentials Växel mints for this page. Answering in the queue makes
  // the switchboard send that caller here, and the telephone takes the call at once;
  // "Koppla" refers the caller to the address Växel gives (never a number); ending
  // the call hangs up. Only the calls Växel sends ring a console, so it answers them.
  const phone = { ua: null, session: null, tries: 0 };
  function phoneSays(state) {
    const el = $("#telephone");
    if (!el) return;
    el.textContent = el.dataset[state] || state;
    el.dataset.state = state;
    el.classList.toggle("on", ["on", "talking", "held", "desk", "calling"].includes(state));
    $$("[data-hold]").forEach((b) => { b.hidden = !phone.session; });
  }
  function phoneSession(session) {
    if (phone.session) { session.terminate({ status_code: 486, reason_phrase: "Busy Here" }); return; }
    phone.session = session;
    phone.call = currentCall();
    // What the telephone did is recorded on the call: the caller hanging up, hold.
    const report = (action) => {
      const call = phone.call || currentCall();
      if (!call) return;
      htmx.ajax("POST", body.dataset.putThroughUrl.replace("/0/put-through/", "/" + call + "/" + action + "/"), {
        target: "#notice", source: body,
      });
    };
    const over = (event) => {
      phone.session = null;
      phoneSays("on");
      if (event && event.originator === "remote" && !phone.moved) report("hung-up");
      phone.moved = false;
    };
    session.on("ended", over);
    session.on("failed", over);
    session.on("confirmed", () => phoneSays("talking"));
    session.on("hold", (event) => { phoneSays("held"); if (event.originator === "local") report("hold"); });
    session.on("unhold", (event) => { phoneSays("talking"); if (event.originator === "local") report("resume"); });
    session.on("peerconnection", (event) => {
      event.peerconnection.addEventListener("track", (track) => {
        $("#telephone-audio").srcObject = track.streams[0];
      });
    });
    phoneSays("ringing");
    session.answer({ mediaConstraints: { audio: true, video: false } });
  }
  async function phoneStart() {
    const el = $("#telephone");
    if (!el || !window.JsSIP) return;
    if (deskPhone()) { phoneSays("desk"); return; }
    let credentials;
    try {
      const answer = await fetch(el.dataset.credentials, { credentials: "same-origin", cache: "no-store" });
      if (!answer.ok) { phoneSays("failed"); return; }
      credentials = await answer.json();
    } catch (error) { phoneSays("off"); setTimeout(phoneStart, 5000); return; }
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(credentials.ws)],
      uri: credentials.uri,
      authorization_user: credentials.authorization_user,
      password: credentials.password,
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: "Vaxel console",
    });
    ua.on("registered", () => { phone.tries = 0; phoneSays(phone.session ? "talking" : "on"); });
    ua.on("disconnected", () => { if (phone.ua === ua) phoneSays("off"); });
    ua.on("registrationFailed", () => {
      // Lapsed credentials: ask for new ones a few times, then say so.
      ua.stop();
      phone.tries += 1;
      if (phone.tries <= 3) setTimeout(phoneStart, 1000 * phone.tries); else phoneSays("failed");
    });
    ua.on("newRTCSession", (event) => { if (event.originator === "remote") phoneSession(event.session); });
    phone.ua = ua;
    ua.start();
  }
  // The operator may answer on a desk phone registered as them instead: the console
  // then does not register, and puts through and ends calls through Kamailio (Växel
  // asks it to refer the caller, or to end the call); hold is on the phone itself.
  const deskPhone = () => localStorage.getItem("vaxel.desk-phone") === "yes";
  function deskChosen(chosen) {
    localStorage.setItem("vaxel.desk-phone", chosen ? "yes" : "no");
    if (chosen) {
      if (phone.ua) { phone.ua.stop(); phone.ua = null; }
      phoneSays("desk");
    } else phoneStart();
  }
  // Calling back a caller who asked for it from the queue: the console calls the opaque
  // address Växel gave (cb-…), which Kamailio turns into the caller's number; how it
  // went is recorded on the call (answered, or not: the callback keeps its place).
  function callBack(address, call) {
    if (phone.session) return; // already calling (a double click): one call only
    if (!phone.ua || deskPhone()) { say($("#telephone").dataset.cannotDial, true); return; }
    const report = (action) => htmx.ajax("POST", body.dataset.answerUrl.replace("/0/answer/", "/" + call + "/" + action + "/"), {
      target: "#notice", source: body,
    });
    let answered = false;
    const session = phone.ua.call(address, {
      mediaConstraints: { audio: true, video: false },
      eventHandlers: {
        confirmed: () => { answered = true; phoneSays("talking"); report("callback-answered"); },
        failed: () => { phone.session = null; phoneSays("on"); report("callback-failed"); },
        ended: (ended) => {
          phone.session = null;
          phoneSays("on");
          if (answered && ended.originator === "remote" && !phone.moved) report("hung-up");
          phone.moved = false;
        },
      },
    });
    phone.session = session;
    phone.call = call;
    phoneSays("calling");
    session.on("peerconnection", (pc) => {
      pc.peerconnection.addEventListener("track", (track) => { $("#telephone-audio").srcObject = track.streams[0]; });
    });
    session.on("hold", (held) => { phoneSays("held"); if (held.originator === "local") report("hold"); });
    session.on("unhold", (held) => { phoneSays("talking"); if (held.originator === "local") report("resume"); });
  }
  document.body.addEventListener("vx-telephone", (event) => {
    if (event.detail.dial) { callBack(event.detail.dial, event.detail.call); return; }
    const session = phone.session;
    if (!session && deskPhone() && event.detail.call) {
      const action = event.detail.park ? "desk-park" : event.detail.refer ? "desk-put-through" : "desk-end";
      htmx.ajax("POST", body.dataset.callUrl.replace("/0/answer/", "/" + event.detail.call + "/" + action + "/"), {
        target: "#notice", source: body,
      });
      return;
    }
    if (event.detail.consult) { consultStart(event.detail); return; }
    if (!session) return;
    if (event.detail.refer && phone.consult && !event.detail.park) {
      const consulted = phone.consult;
      if (phone.replaces && phone.joinPending) {
        // The phone asked says it can take a call over (Replaces): Kamailio sends the
        // caller to it with the consultation's ids, and the phone ends the consultation.
        referCaller(session, event.detail.refer);
        setTimeout(() => { if (phone.consult === consulted) consulted.terminate(); }, 10000);
      } else {
        // Otherwise the consultation ends first, and the phone rings again with the caller.
        phone.joining = () => referCaller(session, event.detail.refer);
        consulted.terminate();
      }
      phone.joinPending = false;
    } else if (event.detail.refer) {
      referCaller(session, event.detail.refer);
    } else if (event.detail.hang_up) {
      phone.moved = true;
      session.terminate();
    }
  });
  // Blind transfer: once the caller's telephone takes the REFER, the caller goes on
  // alone and this console is free for the next call.
  function referCaller(session, address) {
    session.refer(address, {
      eventHandlers: {
        requestSucceeded: () => { phone.moved = true; session.terminate(); },
        requestFailed: () => say($("#telephone").dataset.referFailed, true),
      },
    });
  }
  // Asking the person first (a consultation): the caller is held and the console calls
  // the con-… address Växel gives, routed as the number is. "Put through now" puts the
  // call through to that number as "Koppla" does; Kamailio sends the caller to the
  // phone that answered the consultation.
  function consultSays(key) {
    $("#consult-says").textContent = $("#consult").dataset[key].replace("{name}", phone.consultName || "");
  }
  function consult(button) {
    const call = currentCall();
    if (!call) { say(body.dataset.noCall, true); return; }
    if (deskPhone() || !$("#consult")) { say($("#consult") ? $("#consult").dataset.desk : body.dataset.noCall, true); return; }
    if (!phone.session || phone.consult) return;
    htmx.ajax("POST", body.dataset.putThroughUrl.replace("/0/put-through/", "/" + call + "/consult/"), {
      target: "#notice", source: body, values: { number: button.dataset.consult },
    });
  }
  function consultStart(detail) {
    const caller = phone.session;
    if (!caller || phone.consult || !phone.ua) return;
    if (!caller.isOnHold().local) caller.hold();
    Object.assign(phone, { consultName: detail.name, consultNumber: detail.number, replaces: false });
    $("#consult").hidden = false;
    consultSays("ringing");
    const session = phone.ua.call(detail.consult, {
      mediaConstraints: { audio: true, video: false },
      eventHandlers: {
        accepted: (accepted) => {
          const supported = (accepted.response && accepted.response.getHeader("Supported")) || "";
          phone.replaces = /\breplaces\b/i.test(supported);
          consultSays("talking");
        },
        failed: (failed) => consultOver(failed.originator === "local" ? "" : "unanswered"),
        ended: () => consultOver(""),
      },
    });
    phone.consult = session;
    session.on("peerconnection", (pc) => {
      pc.peerconnection.addEventListener("track", (track) => { $("#consult-audio").srcObject = track.streams[0]; });
    });
  }
  function consultOver(why) {
    phone.consult = null;
    $("#consult").hidden = true;
    const next = phone.joining;
    phone.joining = null;
    if (next) { next(); return; } // putting through: the caller goes on to the phone
    if (phone.session && phone.session.isOnHold().local) phone.session.unhold();
    if (why) say($("#consult").dataset[why].replace("{name}", phone.consultName || ""), true);
  }
  function join() {
    if (!phone.consult) return;
    phone.joinPending = true;
    putThrough({ dataset: { putThrough: phone.consultNumber } });
  }
  function consultBack() { if (phone.consult) phone.consult.terminate(); }
  // What the telephone hears and sends, for support and the end-to-end tests: the call
  // with the caller, or ("consult") the one with the person asked first.
  window.VaxelTelephone = {
    state: () => ($("#telephone") ? $("#telephone").dataset.state : ""),
    consulting: () => Boolean(phone.consult),
    audio: async (which) => {
      const current = which === "consult" ? phone.consult : phone.session;
      const connection = current && current.connection;
      const counts = { received: 0, sent: 0 };
      if (!connection) return counts;
      (await connection.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") counts.received += report.packetsReceived;
        if (report.type === "outbound-rtp" && report.kind === "audio") counts.sent += report.packetsSent;
      });
      return counts;
    },
  };
  function holdToggle(button) {
    const session = phone.session;
    if (!session) return;
    if (session.isOnHold().local) { session.unhold(); button.textContent = button.dataset.holdText; }
    else { session.hold(); button.textContent = button.dataset.resumeText; }
  }
  document.addEventListener("htmx:afterSwap", () => { $$("[data-hold]").forEach((b) => { b.hidden = !phone.session; }); });

  // Keyboard: arrows move through hits, Enter acts, Escape clears.
  function hits() { return $$("#hits .hit"); }
  function selected() { return $("#hits .hit[aria-current=true]"); }
  function select(index) {
    const all = hits();
    if (!all.length) return;
    const i = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((el, n) => { if (n === i) el.setAttribute("aria-current", "true"); else el.removeAttribute("aria-current"); });
    all[i].scrollIntoView({ block: "nearest" });
    const who = $(".who strong", all[i]);
    if (who) announce(body.dataset.chosenText + ": " + who.textContent);
  }
  document.addEventListener("keydown", (event) => {
    const search = $("#search");
    const hit = selected();
    if (event.altKey) {
      const key = event.key.toLowerCase();
      if (key === "a") answerNext();
      else if (key === "e") { const b = $("[data-end-call]"); if (b) b.click(); }
      else if (key === "p") { const b = $("[data-park]"); if (b) b.click(); }
      else if (key === "k") { if (phone.consult) join(); else if (hit) { const b = $("[data-consult]", hit); if (b) b.click(); } }
      else if (key === "t") consultBack();
      else if (key === "m" && hit) { const b = $("[data-message-person], [data-message-unit]", hit); if (b) b.click(); }
      else if (key === "c" && hit) { const b = $("[data-callback-person], [data-callback-unit]", hit); if (b) b.click(); }
      else return;
      event.preventDefault();
      return;
    }
    if (event.target !== search) {
      if (event.key === "Escape") { closeForms(); search.focus(); }
      return;
    }
    const all = hits();
    const index = hit ? all.indexOf(hit) : -1;
    if (event.key === "ArrowDown") { select(index + 1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { select(index - 1); event.preventDefault(); }
    else if (event.key === "Escape") { search.value = ""; $("#hits").innerHTML = ""; event.preventDefault(); }
    else if (event.key === "Enter" && hit) {
      event.preventDefault();
      const primary = $("[data-put-through]", hit);
      if (primary && currentCall()) primary.click();
      else { const open = $("[data-open]", hit); if (open) open.click(); }
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const summary = $("#queue [data-queue-summary]");
    lastQueueSummary = summary ? summary.textContent.trim() : "";
    const desk = $("#desk-phone");
    if (desk) { desk.checked = deskPhone(); desk.addEventListener("change", () => deskChosen(desk.checked)); }
    connect(); tick(); phoneStart(); $("#search").focus();
  });
})();
